using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Selectors;
using KubeSandbox.Storage;

namespace KubeSandbox.Controllers;

/// <summary>
/// ClusterRole aggregation (pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go): a
/// ClusterRole with an aggregationRule gets as rules the union of the rules of the ClusterRoles its selectors
/// match, selector by selector, members sorted by name, itself excluded, each rule once; kept current whenever
/// any ClusterRole changes.
/// </summary>
public sealed class ClusterRoleAggregationController(IObjectStore store) : ISandboxController
{
    private readonly object _gate = new();
    private bool _running;
    private bool _dirty;

    public void Start()
    {
        store.Changed += c =>
        {
            if (c.Resource == "clusterroles") Reconcile();
        };
        Reconcile();
    }

    /// <summary>Runs until no aggregated role changes (changes made here re-trigger it; those runs fold in).</summary>
    public void Reconcile()
    {
        lock (_gate)
        {
            if (_running) { _dirty = true; return; }
            _running = true;
        }
        try
        {
            for (var pass = 0; pass < 10; pass++)
            {
                lock (_gate) _dirty = false;
                var changed = ReconcileOnce();
                lock (_gate)
                {
                    if (!changed && !_dirty) return;
                }
            }
        }
        finally
        {
            lock (_gate) _running = false;
        }
    }

    private bool ReconcileOnce()
    {
        var all = store.List("clusterroles", null);
        var changed = false;
        foreach (var role in all)
        {
            if (role["aggregationRule"]?["clusterRoleSelectors"] is not JsonArray selectors) continue;
            var name = role["metadata"]!["name"]!.GetValue<string>();
            var rules = new List<JsonNode>();
            foreach (var sel in selectors.OfType<JsonObject>())
            {
                LabelSelector? selector;
                try { selector = LabelSelector.FromLabelSelectorObject(sel); }
                catch (FormatException) { continue; }
                if (selector is null) continue;
                var members = all
                    .Where(r => r["metadata"]!["name"]!.GetValue<string>() != name)
                    .Where(r => selector.Matches(Labels(r)))
                    .OrderBy(r => r["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal);
                foreach (var m in members)
                    foreach (var rule in (m["rules"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                        if (!rules.Any(x => JsonNode.DeepEquals(x, rule))) rules.Add(rule.DeepClone());
            }
            var current = role["rules"] as JsonArray;
            var desired = new JsonArray(rules.Select(r => r.DeepClone()).ToArray());
            var same = (current is null || current.Count == 0) ? desired.Count == 0 : JsonNode.DeepEquals(current, desired);
            if (same) continue;
            try
            {
                store.Mutate("clusterroles", null, name, o => o["rules"] = desired.Count == 0 ? null : desired.DeepClone());
                changed = true;
            }
            catch (ApiException) { /* deleted meanwhile */ }
        }
        return changed;
    }

    private static IReadOnlyDictionary<string, string> Labels(JsonObject o) =>
        (o["metadata"]?["labels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "")
        ?? new Dictionary<string, string>();
}
