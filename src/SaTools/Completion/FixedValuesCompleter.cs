using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SaTools.Completion;

/// <summary>What the completers of a fixed list share: the values that start with what was typed, in name order,
/// and <c>*</c> offered quoted (unquoted it is a wildcard to PowerShell's parser of arguments).</summary>
internal abstract class FixedValuesCompleter : IArgumentCompleter
{
    protected abstract IReadOnlyList<string> Values { get; }

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ContextCompleter.Matches(Values, wordToComplete)
            .Select(r => r.CompletionText == "*" ? new CompletionResult("'*'", "*", CompletionResultType.ParameterValue, "*") : r);
}
