using System.Security;
using SaTools.Engine.Tokens;

namespace SaTools.Output;

/// <summary>
/// What New-K8sBoundToken returns: the token's metadata, and the token itself only in <see cref="Token"/> as a
/// <see cref="SecureString"/> (a string only with -AsPlainText). The token is never in the default view,
/// <see cref="ToString"/> or any other property, so <c>Export-Csv</c> and logs never see it. <see cref="Token"/> is
/// hidden (Export-Csv, Format-List * and ConvertTo-Json skip it; <c>$t.Token</c> and binding by property name still
/// work), and SaTools.Types.ps1xml leaves it out of Export-Clixml, which on Linux and macOS writes a SecureString as
/// its UTF-16 text in hex (there is no DPAPI to encrypt it).
/// </summary>
public sealed class K8sBoundToken
{
    internal K8sBoundToken(string? context, BoundToken token, bool asPlainText)
    {
        Context = context;
        Namespace = token.Namespace;
        ServiceAccount = token.ServiceAccount;
        Audiences = new StringList(token.Audiences);
        IssuedAt = token.IssuedAt.UtcDateTime;
        ExpiresAt = token.ExpiresAt?.UtcDateTime;
        RequestedDuration = token.RequestedDuration;
        GrantedDuration = token.GrantedDuration;
        Capped = token.Capped;
        BoundObject = token.BoundObject?.ToString();
        BoundObjectUid = token.BoundObject?.Uid;
        Issuer = token.Issuer;
        TokenId = token.TokenId;
        CredentialId = token.CredentialId;
        NodeName = token.Node?.Name;
        NodeUid = token.Node?.Uid;
        Subject = token.Inspected.Subject;
        Claims = token.Inspected.ClaimsJson;
        Token = asPlainText ? token.Token : SecureText.From(token.Token);
    }

    public string? Context { get; }
    public string Namespace { get; }
    public string ServiceAccount { get; }
    public StringList Audiences { get; }
    /// <summary><see cref="Audiences"/> joined with ", " for CSV.</summary>
    public string AudienceList => string.Join(", ", Audiences);
    public DateTime IssuedAt { get; }
    /// <summary>From <c>status.expirationTimestamp</c>, in UTC.</summary>
    public DateTime? ExpiresAt { get; }
    public TimeSpan RequestedDuration { get; }
    public TimeSpan? GrantedDuration { get; }
    /// <summary>True when the server granted less than was requested.</summary>
    public bool Capped { get; }
    /// <summary><c>Pod/name</c>, <c>Secret/name</c>, <c>Node/name</c>, or null.</summary>
    public string? BoundObject { get; }
    public string? BoundObjectUid { get; }
    public string? Issuer { get; }
    /// <summary>The token's <c>jti</c> (1.30+ API servers; none on 1.26).</summary>
    public string? TokenId { get; }
    /// <summary><c>JTI=&lt;jti&gt;</c>: the credential id a TokenReview's user extra and audit events show for
    /// this token (<c>authentication.kubernetes.io/credential-id</c>).</summary>
    public string? CredentialId { get; }
    /// <summary>The node in the token's <c>kubernetes.io.node</c> claim: the Node it is bound to, or the node its
    /// bound pod runs on (1.32+).</summary>
    public string? NodeName { get; }
    public string? NodeUid { get; }
    public string? Subject { get; }
    /// <summary>The decoded claims as JSON (claims are not secret; the signature is not included).</summary>
    public string Claims { get; }
    /// <summary>A <see cref="System.Security.SecureString"/>, or a string with -AsPlainText.</summary>
    [System.Management.Automation.Hidden]
    public object Token { get; }

    public override string ToString() => $"{Namespace}/{ServiceAccount} token, expires {ExpiresAt:u}";
}
