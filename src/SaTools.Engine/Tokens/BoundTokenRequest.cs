namespace SaTools.Engine.Tokens;

/// <summary>What New-K8sBoundToken asks for: a TokenRequest for one ServiceAccount.</summary>
public sealed class BoundTokenRequest
{
    /// <summary>The kinds kube-apiserver binds tokens to (pkg/registry/core/serviceaccount/storage/token.go);
    /// anything else is 400 "cannot bind token to object of type ...".</summary>
    public static readonly IReadOnlyList<string> BindableKinds = new[] { "Pod", "Secret", "Node" };

    public BoundTokenRequest(string @namespace, string serviceAccount)
    {
        if (string.IsNullOrWhiteSpace(@namespace)) throw new ArgumentException("A namespace is required.", nameof(@namespace));
        if (string.IsNullOrWhiteSpace(serviceAccount)) throw new ArgumentException("A ServiceAccount name is required.", nameof(serviceAccount));
        Namespace = @namespace;
        ServiceAccount = serviceAccount;
    }

    public string Namespace { get; }
    public string ServiceAccount { get; }

    /// <summary>The lifetime asked for; null leaves the server's default (1 hour).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Audiences; empty means the API server's own.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = Array.Empty<string>();

    /// <summary>The Pod, Secret or Node to bind to, or null.</summary>
    public TokenBoundObject? BoundObject { get; init; }

    /// <summary>The lifetime the server is asked for: <see cref="Duration"/>, or the API's default of one hour
    /// (pkg/apis/authentication/v1/defaults.go).</summary>
    public TimeSpan EffectiveDuration => Duration ?? DefaultDuration;

    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(1);

    /// <summary>Checks everything that can be checked before a request: the duration bounds and the kind.</summary>
    /// <exception cref="ArgumentException">Says what is wrong.</exception>
    public void Validate()
    {
        if (Duration is { } duration)
        {
            TokenDuration.ToExpirationSeconds(duration);
        }
        if (BoundObject is { } bound)
        {
            if (!BindableKinds.Contains(bound.Kind, StringComparer.Ordinal))
            {
                throw new ArgumentException($"A token can be bound to a Pod, Secret or Node, not a {bound.Kind}.", nameof(BoundObject));
            }
            if (string.IsNullOrWhiteSpace(bound.Name))
            {
                throw new ArgumentException($"Binding to a {bound.Kind} needs its name.", nameof(BoundObject));
            }
        }
    }

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
