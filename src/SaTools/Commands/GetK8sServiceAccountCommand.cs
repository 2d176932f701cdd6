using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Api;
using SaTools.Engine.Inventory;
using SaTools.Engine.Names;
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

    protected override void BeginProcessing()
    {
        // A selector the API server would refuse is refused here, before any request.
        if (LabelSelectorSyntax.Problem(LabelSelector) is { } problem)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-LabelSelector '{LabelSelector}' is not a label selector: {problem}."),
                CommandId + "InvalidLabelSelector", ErrorCategory.InvalidArgument, LabelSelector));
        }
    }

    protected override void ProcessRecord()
    {
        // A literal name that could never name a ServiceAccount is reported and dropped; if every name was
        // dropped there is nothing to look for (not everything).
        var names = ValidNamesOrPatterns(NameKind.ServiceAccount, Name);
        if (Name is { Length: > 0 } && names.Count == 0) return;
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
            if (names.Count > 0 && literalNames.Count == names.Count && LabelSelector is null)
            {
                foreach (var name in literalNames)
                {
                    try
                    {
                        WriteObject(ToInfo(AwaitCore(ct => inventory.GetAsync(ns, name, ct))));
                    }
                    catch (KubeApiException e) when (!IsFatal(e))
                    {
                        // In a namespace that does not exist, NamespaceNotFound is written once: no name there can be found.
                        if (e.Kind == KubeErrorKind.NotFound && !ConfirmNamespace(ns)) break;
                        WriteKubeError(e, $"{ns}/{name}");
                    }
                    catch (KubeApiException e)
                    {
                        ThrowKubeError(e, $"{ns}/{name}");
                    }
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
        var listed = 0;
        try
        {
            foreach (var record in Stream(ct => inventory.ListAsync(ns, LabelSelector, onPage, ct)))
            {
                listed++;
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

        // An empty list in a namespace may mean there is no such namespace (the API server lists nothing there).
        if (listed == 0 && ns is not null && !ConfirmNamespace(ns)) return;
        foreach (var name in unmatchedLiterals)
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"No ServiceAccount '{name}' was found in {(ns is null ? "any namespace" : $"namespace '{ns}'")}{(LabelSelector is null ? "" : $" matching '{LabelSelector}'")}."),
                CommandId + "NotFound", ErrorCategory.ObjectNotFound, name));
        }
    }

    private ServiceAccountInfo ToInfo(ServiceAccountRecord record) => new(ContextName, record, DateTimeOffset.UtcNow);
}
