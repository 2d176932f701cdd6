using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Api;
using SaTools.Engine.Inventory;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Lists ServiceAccounts: in the connection's namespace, in the namespaces given (wildcards allowed), or in all
/// namespaces; by name (wildcards allowed) and label selector. Objects stream as pages arrive.
/// </summary>
[Cmdlet(VerbsCommon.Get, "K8sServiceAccount", DefaultParameterSetName = ParameterSetInNamespaces)]
[OutputType(typeof(ServiceAccountInfo))]
public sealed class GetK8sServiceAccountCommand : K8sCmdletBase
{
    public const string ParameterSetInNamespaces = "InNamespaces";
    public const string ParameterSetAllNamespaces = "AllNamespaces";
    private const string ProgressActivity = "Listing ServiceAccounts";

    /// <summary>Namespaces to look in (wildcards allowed). Default: the connection's namespace.</summary>
    [Parameter(ParameterSetName = ParameterSetInNamespaces, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Namespace { get; set; }

    /// <summary>Look in every namespace.</summary>
    [Parameter(ParameterSetName = ParameterSetAllNamespaces, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>ServiceAccount names (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceAccount", "ServiceAccountName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>A Kubernetes label selector (<c>app=web,tier!=db</c>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LabelSelector { get; set; }

    protected override void ProcessRecord()
    {
        var names = Name ?? Array.Empty<string>();
        var namePatterns = names.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var literalNames = names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)).ToList();
        var inventory = new ServiceAccountInventory(KubeConnection.Api);

        if (AllNamespaces.IsPresent)
        {
            ListAndFilter(inventory, null, namePatterns, literalNames, target: "*");
            return;
        }

        foreach (var ns in ResolveNamespaces(Namespace))
        {
            // A literal name in a literal namespace is one GET: the cheapest request, and a precise 404.
            if (names.Length > 0 && literalNames.Count == names.Length && LabelSelector is null)
            {
                foreach (var name in literalNames)
                {
                    var record = TryAwait(ct => inventory.GetAsync(ns, name, ct), $"{ns}/{name}", out var found);
                    if (found) WriteObject(ToInfo(record!));
                }
                continue;
            }
            ListAndFilter(inventory, ns, namePatterns, literalNames, target: ns);
        }
    }

    private void ListAndFilter(ServiceAccountInventory inventory, string? ns, List<WildcardPattern> namePatterns, List<string> literalNames, object target)
    {
        var unmatchedLiterals = new HashSet<string>(literalNames, StringComparer.OrdinalIgnoreCase);
        var onPage = ListProgressReporter(ProgressActivity);
        try
        {
            foreach (var record in Stream(ct => inventory.ListAsync(ns, LabelSelector, onPage, ct)))
            {
                if (namePatterns.Count > 0 && !namePatterns.Any(p => p.IsMatch(record.Name))) continue;
                unmatchedLiterals.Remove(record.Name);
                WriteObject(ToInfo(record));
            }
        }
        catch (KubeApiException e) when (!IsFatal(e))
        {
            // One namespace refused (403) or failing does not stop the others.
            WriteKubeError(e, target);
            return;
        }
        catch (KubeApiException e)
        {
            ThrowKubeError(e, target);
        }
        finally
        {
            CompleteProgress(ProgressActivity);
        }

        foreach (var name in unmatchedLiterals)
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"No ServiceAccount '{name}' was found in {(ns is null ? "any namespace" : $"namespace '{ns}'")}{(LabelSelector is null ? "" : $" matching '{LabelSelector}'")}."),
                CommandId + "NotFound", ErrorCategory.ObjectNotFound, name));
        }
    }

    private ServiceAccountInfo ToInfo(ServiceAccountRecord record) => new(ContextName, record, DateTimeOffset.UtcNow);
}
