using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Selectors;
using KubeSandbox.Storage;

namespace KubeSandbox.Controllers;

/// <summary>
/// ClusterRole aggregation (pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go): a
/// ClusterRole with an aggregationRule gets as rules the union of the rules of the ClusterRoles its selectors
/// match, selector by selector, members sorted by name, itself excluded, each rule once (ruleExists); kept
/// current whenever an aggregating role, or a role that is or was a member, changes.
/// </summary>
public sealed class ClusterRoleAggregationController(InMemoryObjectStore store) : ISandboxController
{
    private readonly object _gate = new();
    private bool _running;
    private bool _dirty;
    private List<LabelSelector> _selectors = new();
    private HashSet<string> _members = new(StringComparer.Ordinal);

    public void Start()
    {
        store.Changed += c =>
        {
            if (c.Resource != "clusterroles" || !Relevant(c)) return;
            Reconcile();
        };
        Reconcile();
    }

    private bool Relevant(StoreChange c)
    {
        if (c.Object["aggregationRule"] is JsonObject) return true;
        lock (_gate)
        {
            if (_members.Contains(c.Name)) return true;
            var labels = (c.Object["metadata"]?["labels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "")
                         ?? new Dictionary<string, string>();
            return _selectors.Any(s => s.Matches(labels));
        }
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
        // Parsed once per pass: stored objects keep only their JSON.
        var all = store.Snapshot("clusterroles", null, out _).Select(o => (o.Name, o.Labels, Object: o.Object)).ToList();
        var changed = false;
        var selectorsSeen = new List<LabelSelector>();
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in all)
        {
            if (role.Object["aggregationRule"]?["clusterRoleSelectors"] is not JsonArray selectors) continue;
            var rules = new List<JsonNode>();
            foreach (var sel in selectors.OfType<JsonObject>())
            {
                LabelSelector? selector;
                try { selector = LabelSelector.FromLabelSelectorObject(sel); }
                catch (FormatException) { continue; }
                if (selector is null) continue;
                selectorsSeen.Add(selector);
                // The snapshot is in name order already (etcd key order).
                foreach (var m in all)
                {
                    if (m.Name == role.Name || !selector.Matches(m.Labels)) continue;
                    members.Add(m.Name);
                    foreach (var rule in (m.Object["rules"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                        if (!rules.Any(x => JsonNode.DeepEquals(x, rule))) rules.Add(rule);
                }
            }
            var current = role.Object["rules"] as JsonArray;
            var desired = new JsonArray(rules.Select(r => r.DeepClone()).ToArray());
            var same = (current is null || current.Count == 0) ? desired.Count == 0 : JsonNode.DeepEquals(current, desired);
            if (same) continue;
            try
            {
                store.Mutate("clusterroles", null, role.Name, o => o["rules"] = desired.Count == 0 ? null : desired.DeepClone());
                changed = true;
            }
            catch (ApiException) { /* deleted meanwhile */ }
        }
        lock (_gate)
        {
            _selectors = selectorsSeen;
            _members = members;
        }
        return changed;
    }
}
