namespace SaTools.Engine.Api;

/// <summary>
/// What <see cref="WriteWithReadBack"/> needs to carry out one write: how to send it, how to tell from the object
/// as the server holds it whether the write landed, and (for writes that depend on what they read) how to read and
/// decide again after a 409 conflict.
/// </summary>
/// <typeparam name="T">What the caller reports for the write (the object written, an outcome row...).</typeparam>
internal sealed class WriteSteps<T>
{
    /// <summary>Sends the write once (through <see cref="KubeApi"/>, so through the one request pipeline).</summary>
    public required Func<CancellationToken, Task<T>> Send { get; init; }

    /// <summary>
    /// After a reply that leaves the outcome open (a 5xx, a dropped connection): reads the object back and says
    /// whether the change is there (<c>Landed</c>, with what to report) or not (then the write is sent again).
    /// A read-back that fails counts as "not there"; the writes it guards must be safe to send again.
    /// </summary>
    public required Func<CancellationToken, Task<(bool Landed, T Outcome)>> ReadBack { get; init; }

    /// <summary>
    /// After a 409 conflict: reads the object again and decides again. <c>Done</c> ends the write with that outcome
    /// (nothing left to write: someone else already made the change, or the object no longer qualifies); otherwise
    /// <see cref="Send"/> is called again and sees what was read. Null: a 409 is final, the error stands (a failed
    /// precondition: the object is not the one the caller decided about).
    /// </summary>
    public Func<CancellationToken, Task<(bool Done, T Outcome)>>? Redecide { get; init; }
}
