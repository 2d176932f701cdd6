namespace SaTools.Engine.Tokens;

/// <summary>
/// What New-K8sBoundToken asks for: a TokenRequest for one ServiceAccount. It is checked as it is built (the
/// duration by <see cref="TokenDuration.Problem"/>, the bound object's kind and name here), so a request that
/// exists can be sent. Every refusal is an <see cref="ArgumentException"/> whose message is a whole sentence,
/// without a parameter name appended, ready to show.
/// </summary>
public sealed class BoundTokenRequest
{
    /// <summary>The kinds kube-apiserver binds tokens to (pkg/registry/core/serviceaccount/storage/token.go);
    /// anything else is 400 "cannot bind token to object of type ...".</summary>
    public static readonly IReadOnlyList<string> BindableKinds = new[] { "Pod", "Secret", "Node" };

    public BoundTokenRequest(string @namespace, string serviceAccount)
    {
        if (string.IsNullOrWhiteSpace(@namespace)) throw new ArgumentException("A namespace is required.");
        if (string.IsNullOrWhiteSpace(serviceAccount)) throw new ArgumentException("A ServiceAccount name is required.");
        Namespace = @namespace;
        ServiceAccount = serviceAccount;
    }

    public string Namespace { get; }
    public string ServiceAccount { get; }

    /// <summary>The lifetime asked for; null leaves the server's default (1 hour).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The TokenRequest API would refuse it.</exception>
    public TimeSpan? Duration
    {
        get => duration;
        init
        {
            ExpirationSeconds = value is { } d ? TokenDuration.ToExpirationSeconds(d) : null;
            duration = value;
        }
    }

    private readonly TimeSpan? duration;

    /// <summary><see cref="Duration"/> as <c>spec.expirationSeconds</c>; null for the server's default.</summary>
    public long? ExpirationSeconds { get; private init; }

    /// <summary>Audiences; empty means the API server's own.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = Array.Empty<string>();

    /// <summary>The Pod, Secret or Node to bind to, or null.</summary>
    /// <exception cref="ArgumentException">Not a kind tokens can be bound to, or no name.</exception>
    public TokenBoundObject? BoundObject
    {
        get => boundObject;
        init
        {
            if (value is { } bound)
            {
                if (!BindableKinds.Contains(bound.Kind, StringComparer.Ordinal))
                {
                    throw new ArgumentException($"A token can be bound to a Pod, Secret or Node, not a {bound.Kind}.");
                }
                if (string.IsNullOrWhiteSpace(bound.Name))
                {
                    throw new ArgumentException($"Binding to a {bound.Kind} needs its name.");
                }
            }
            boundObject = value;
        }
    }

    private readonly TokenBoundObject? boundObject;

    /// <summary>The lifetime the server is asked for: <see cref="Duration"/>, or the API's default of one hour
    /// (pkg/apis/authentication/v1/defaults.go).</summary>
    public TimeSpan EffectiveDuration => Duration ?? DefaultDuration;

    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(1);

    /// <summary>One line for -WhatIf and verbose output (never any token).</summary>
    public string Describe()
    {
        var parts = new List<string> { $"lifetime {TokenDuration.Describe(EffectiveDuration)}{(Duration is null ? " (server default)" : "")}" };
        parts.Add(Audiences.Count > 0 ? "audiences " + string.Join(", ", Audiences) : "the API server's audience");
        if (BoundObject is { } bound)
        {
            parts.Add($"bound to {bound}{(bound.Uid is null ? "" : " (uid " + bound.Uid + ")")}");
        }
        return $"TokenRequest for ServiceAccount {Namespace}/{ServiceAccount}: {string.Join(", ", parts)}";
    }
}
