namespace SaTools.Completion;

/// <summary>
/// Completes -Verb with the verbs RBAC rules name: the API request verbs (Kubernetes docs, "Authorization:
/// Determine the Request Verb") and the special verbs the authorizers check (use, bind, escalate, impersonate,
/// approve, sign), plus <c>*</c>.
/// </summary>
internal sealed class VerbCompleter : FixedValuesCompleter
{
    internal static readonly string[] Verbs =
    [
        "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
        "use", "bind", "escalate", "impersonate", "approve", "sign", "*",
    ];

    protected override IReadOnlyList<string> Values => Verbs;
}
