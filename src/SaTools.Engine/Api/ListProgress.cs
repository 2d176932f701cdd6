namespace SaTools.Engine.Api;

/// <summary>Where a paged list stands after a page arrived, for Write-Progress.</summary>
/// <param name="Resource">What is listed (<c>serviceaccounts</c>).</param>
/// <param name="Page">Pages received so far (restarts included).</param>
/// <param name="ItemsSoFar">Distinct items received so far in this listing (a restart does not count them twice).</param>
/// <param name="RemainingItemCount">The server's estimate of items still to come, when it gives one.</param>
public sealed record ListProgress(string Resource, int Page, long ItemsSoFar, long? RemainingItemCount);
