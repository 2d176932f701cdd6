namespace SaTools.Engine.Tokens;

/// <summary>What is structurally wrong with a string that was supposed to be a signed JWT (JWS compact form).</summary>
public enum MalformedTokenProblem
{
    /// <summary>Nothing but white space.</summary>
    Empty,
    /// <summary>Not three dot-separated parts (header.payload.signature).</summary>
    NotThreeParts,
    /// <summary>A part contains characters outside the base64url alphabet or has an impossible length.</summary>
    BadBase64Url,
    /// <summary>The header or payload decodes, but not to a JSON object.</summary>
    NotJson,
    /// <summary>A registered claim has the wrong JSON type (for example <c>exp</c> as a string).</summary>
    BadClaim,
}

/// <summary>
/// The input is not a well-formed JWT. The message names what is wrong and where, and never contains the
/// token or any part of it (the input may be a real credential pasted from a log).
/// </summary>
public sealed class MalformedTokenException : Exception
{
    public MalformedTokenException(MalformedTokenProblem problem, string message)
        : base(message)
    {
        Problem = problem;
    }

    /// <summary>The kind of problem, for callers that map it to an error id.</summary>
    public MalformedTokenProblem Problem { get; }
}
