using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SaTools.Completion;

/// <summary>
/// Completes -Verb with the verbs RBAC rules name: the API request verbs (Kubernetes docs, "Authorization:
/// Determine the Request Verb") and the special verbs the authorizers check (use, bind, escalate, impersonate,
/// approve, sign), plus <c>*</c>.
/// </summary>
internal sealed class VerbCompleter : IArgumentCompleter
{
    internal static readonly string[] Verbs =
    [
        "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
        "use", "bind", "escalate", "impersonate", "approve", "sign", "*",
    ];

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ContextCompleter.Matches(Verbs, wordToComplete).Select(r => r.CompletionText == "*" ? new CompletionResult("'*'", "*", CompletionResultType.ParameterValue, "*") : r);
}
