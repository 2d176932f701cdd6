namespace SaTools.Engine.Tokens;

/// <summary>
/// The object a token is bound to (Pod, Secret or Node), as the <c>kubernetes.io</c> claim or a TokenRequest's
/// <c>boundObjectRef</c> names it. Deleting the object invalidates the token on the API server.
/// </summary>
public sealed record TokenBoundObject(string Kind, string Name, string? Uid)
{
    /// <summary><c>Pod/runner-pod</c>, the form used in tables and CSV cells.</summary>
    public override string ToString() => $"{Kind}/{Name}";
}
