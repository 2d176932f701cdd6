using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SaTools.Engine.Connection;

namespace SaTools.Completion;

/// <summary>Completes -Context from the kubeconfig's contexts (the one -Kubeconfig names, if given). Silent on failure.</summary>
internal sealed class ContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var kubeconfig = fakeBoundParameters["Kubeconfig"] as string;
            var names = CompletionCache.GetOrAdd("contexts|" + kubeconfig + "|" + Environment.GetEnvironmentVariable("KUBECONFIG"),
                () => KubeconfigContexts.List(kubeconfig));
            return Matches(names, wordToComplete);
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    internal static IEnumerable<CompletionResult> Matches(IEnumerable<string> names, string wordToComplete)
    {
        var pattern = WildcardPattern.Get((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return names.Where(pattern.IsMatch).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n))
            .ToList();
    }
}
