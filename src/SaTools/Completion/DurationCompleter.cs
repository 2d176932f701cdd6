using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SaTools.Completion;

/// <summary>Completes -Duration with the lifetimes asked for most: the TokenRequest minimum (10m) up to a day,
/// in the spelling the parameter takes.</summary>
internal sealed class DurationCompleter : IArgumentCompleter
{
    internal static readonly string[] Durations = ["10m", "15m", "30m", "1h", "2h", "8h", "24h"];

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        // In the order of length, not alphabetically (1h before 10m would surprise).
        return Durations.Where(d => d.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Select(d => new CompletionResult(d, d, CompletionResultType.ParameterValue, d))
            .ToList();
    }
}
