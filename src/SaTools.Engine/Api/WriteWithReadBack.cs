using Polly;
using Polly.Retry;

namespace SaTools.Engine.Api;

/// <summary>
/// The one write policy of the engine, used by every writer (ServiceAccount automount, legacy token retirement,
/// workload templates). The request pipeline (<see cref="RetryHandler"/>) sends a write again only after a 429,
/// which the server answers before doing anything. Everything else is decided here, by the caller's steps:
/// <list type="bullet">
/// <item>A reply that leaves the outcome open (5xx, a dropped connection: the write may have been carried out
/// before the failure reached us) is followed by a read-back; the write is sent again only if its change is not
/// there, so a change is carried out once.</item>
/// <item>A 409 conflict (the object changed between our read and our write: a stale resourceVersion, or a
/// uid precondition) is followed by a fresh read and a fresh decision, then the write again.</item>
/// </list>
/// Both are bounded (Polly retry strategies, backoff with jitter); when the bound is reached the last
/// <see cref="KubeApiException"/> comes out and the caller reports the item Failed.
/// </summary>
internal static class WriteWithReadBack
{
    /// <summary>Writes sent after 409s: a few tries, then the server kept losing a race and the item fails.</summary>
    public const int MaxConflictAttempts = 3;

    /// <summary>Writes sent when each ends without a clear answer and the read-back shows the change is not there.</summary>
    public const int MaxAmbiguousAttempts = 5;

    // 100 ms, 200 ms between conflicts (someone else is writing: give them a moment).
    private static readonly ResiliencePipeline Conflicts = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<KubeApiException>(e => e.Kind == KubeErrorKind.Conflict),
            MaxRetryAttempts = MaxConflictAttempts - 1,
            BackoffType = DelayBackoffType.Linear,
            Delay = TimeSpan.FromMilliseconds(100),
            UseJitter = true,
        })
        .Build();

    // 200 ms, 400 ms, 800 ms... up to 2 s, as the request pipeline backs off (RetrySettings.Default).
    private static readonly ResiliencePipeline Ambiguous = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<KubeApiException>(IsOutcomeUnknown),
            MaxRetryAttempts = MaxAmbiguousAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(2),
            UseJitter = true,
        })
        .Build();

    /// <summary>True when a failed write may nevertheless have been carried out: 429/5xx after the pipeline's
    /// retries, or no answer at all.</summary>
    public static bool IsOutcomeUnknown(KubeApiException e) => e.Kind is KubeErrorKind.Unavailable or KubeErrorKind.Unreachable;

    /// <summary>Carries out one write (see the class summary). Throws the last <see cref="KubeApiException"/> when
    /// the write fails for good, <see cref="OperationCanceledException"/> when cancelled.</summary>
    public static async Task<T> RunAsync<T>(WriteSteps<T> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Redecide is null)
        {
            // A 409 is final for this write (a failed precondition means "not this object any more").
            return await Ambiguous.ExecuteAsync(async ct => await SendOnceAsync(steps, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        var afterConflict = false;
        return await Conflicts.ExecuteAsync(async ct =>
        {
            if (afterConflict)
            {
                var (done, outcome) = await steps.Redecide(ct).ConfigureAwait(false);
                if (done) return outcome;
            }
            try
            {
                return await Ambiguous.ExecuteAsync(async ct2 => await SendOnceAsync(steps, ct2).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.Kind == KubeErrorKind.Conflict)
            {
                afterConflict = true;
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> SendOnceAsync<T>(WriteSteps<T> steps, CancellationToken cancellationToken)
    {
        try
        {
            return await steps.Send(cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (IsOutcomeUnknown(e))
        {
            var (landed, outcome) = await TryReadBackAsync(steps, cancellationToken).ConfigureAwait(false);
            if (landed) return outcome;
            throw;
        }
    }

    /// <summary>A read-back that fails cannot tell: "not there", and the write is sent again (the writes guarded
    /// here are safe to repeat).</summary>
    private static async Task<(bool Landed, T Outcome)> TryReadBackAsync<T>(WriteSteps<T> steps, CancellationToken cancellationToken)
    {
        try
        {
            return await steps.ReadBack(cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException)
        {
            return (false, default!);
        }
    }
}
