using SaTools.Engine.Tokens;

namespace SaTools.Engine.Connection;

/// <summary>
/// Who a bearer token says it is, read from its claims without verifying it (the API server does the verifying;
/// this is only for display). A ServiceAccount token's subject is <c>system:serviceaccount:NS:NAME</c>
/// (pkg/serviceaccount/util.go, MakeUsername). Read through the engine's one JWT reader, <see cref="JwtReader"/>.
/// </summary>
public static class TokenIdentity
{
    /// <summary>The token's <c>sub</c> claim, or null when it is not a JWT (an opaque or bootstrap token).</summary>
    public static string? SubjectOf(string? token) =>
        JwtReader.TryRead(token, out var jwt) && !string.IsNullOrEmpty(jwt!.Subject) ? jwt.Subject : null;
}
