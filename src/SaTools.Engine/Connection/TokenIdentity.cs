using Microsoft.IdentityModel.JsonWebTokens;

namespace SaTools.Engine.Connection;

/// <summary>
/// Who a bearer token says it is, read from its claims without verifying it (the API server does the verifying;
/// this is only for display). A ServiceAccount token's subject is <c>system:serviceaccount:NS:NAME</c>
/// (pkg/serviceaccount/util.go, MakeUsername).
/// </summary>
public static class TokenIdentity
{
    /// <summary>The token's <c>sub</c> claim, or null when it is not a JWT (an opaque or bootstrap token).</summary>
    public static string? SubjectOf(string? token)
    {
        if (string.IsNullOrWhiteSpace(token)) return null;
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token)) return null;
        try
        {
            var jwt = handler.ReadJsonWebToken(token);
            return string.IsNullOrEmpty(jwt.Subject) ? null : jwt.Subject;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
