using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace SaTools.Engine.Rbac;

/// <summary>
/// Reads exported cluster state for offline analysis: the output of <c>kubectl get ... -o json</c> or
/// <c>-o yaml</c> (a <c>List</c>, a single object, several JSON values one after another, or several YAML
/// documents), from one or several files.
/// Roles, ClusterRoles, RoleBindings, ClusterRoleBindings and ServiceAccounts are kept (and, for the audit,
/// Namespaces, Pods, Secrets, ReplicaSets and Jobs: <see cref="LoadObjects"/>); every other kind is skipped, so a
/// full <c>kubectl get all,... -o yaml</c> dump works. Objects are parsed by KubernetesClient's
/// <see cref="KubernetesJson"/> and <see cref="KubernetesYaml"/> into its models.
/// Just over 300 lines: the JSON and the YAML paths (several documents or values per file, typed lists) are one
/// concern, what an export file holds.
/// </summary>
public static class RbacManifestLoader
{
    private static readonly Regex DocumentSeparator = new(@"^---[ \t]*(?:#.*)?\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    /// <summary>Loads and merges the given files.</summary>
    public static RbacSnapshot LoadFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return RbacSnapshot.Combine(paths.Select(LoadFile));
    }

    public static RbacSnapshot LoadFile(string path)
    {
        var snapshot = LoadObjectsFromFile(path).ToSnapshot();

        // A file of other objects (or of nothing) would quietly answer "no grants" for everyone.
        if (snapshot.RoleCount + snapshot.ClusterRoleCount + snapshot.RoleBindingCount + snapshot.ClusterRoleBindingCount + snapshot.ServiceAccountCount == 0)
        {
            throw new RbacManifestException($"'{path}' holds no Role, ClusterRole, RoleBinding, ClusterRoleBinding or ServiceAccount: it is not an export of RBAC objects.");
        }

        return snapshot;
    }

    /// <summary>Every kind the engine reads, from the given files (the audit's -InputFile).</summary>
    internal static ManifestObjects LoadObjects(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var all = new ManifestObjects();
        foreach (var path in paths)
        {
            all.AddRange(LoadObjectsFromFile(path));
        }

        return all;
    }

    private static ManifestObjects LoadObjectsFromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RbacManifestException($"Cannot read '{path}': {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new RbacManifestException($"'{path}' is empty: export the objects with kubectl get ... -o yaml (or -o json) into it.");
        }

        try
        {
            return LoadObjectsFromText(text);
        }
        catch (RbacManifestException e)
        {
            throw new RbacManifestException($"'{path}': {e.Message}", e.InnerException);
        }
    }

    /// <summary>Parses JSON (starts with <c>{</c> or <c>[</c>) or YAML text.</summary>
    public static RbacSnapshot LoadText(string text) => LoadObjectsFromText(text).ToSnapshot();

    internal static ManifestObjects LoadObjectsFromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var collector = new ManifestObjects();
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && (trimmed[0] == '{' || trimmed[0] == '['))
        {
            LoadJson(text, collector);
        }
        else
        {
            LoadYaml(text, collector);
        }

        return collector;
    }

    /// <summary>
    /// One JSON value, or several one after another (what <c>kubectl get roles -o json; kubectl get rolebindings
    /// -o json</c> appends to one file): each value is parsed in turn from where the previous one ended.
    /// </summary>
    private static void LoadJson(string text, ManifestObjects collector)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var offset = 0;
        var options = new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
        while (true)
        {
            var rest = bytes.AsSpan(offset);
            var skip = 0;
            while (skip < rest.Length && rest[skip] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                skip++;
            }

            if (skip == rest.Length)
            {
                return;
            }

            JsonDocument document;
            try
            {
                var reader = new Utf8JsonReader(rest[skip..], options);
                document = JsonDocument.ParseValue(ref reader);
                offset += skip + (int)reader.BytesConsumed;
            }
            catch (JsonException e)
            {
                throw new RbacManifestException($"Not valid JSON: {e.Message}", e);
            }

            using (document)
            {
                AddJsonElement(document.RootElement, collector);
            }
        }
    }

    private static void AddJsonElement(JsonElement element, ManifestObjects collector)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                AddJsonElement(item, collector);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var kind = element.TryGetProperty("kind", out var kindElement) && kindElement.ValueKind == JsonValueKind.String
            ? kindElement.GetString()
            : null;
        if (kind is not null && IsListKind(kind))
        {
            if (element.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    AddJsonElement(item, collector);
                }
            }

            return;
        }

        try
        {
            var raw = element.GetRawText();
            switch (kind)
            {
                case "Role": collector.Roles.Add(KubernetesJson.Deserialize<V1Role>(raw)); break;
                case "ClusterRole": collector.ClusterRoles.Add(KubernetesJson.Deserialize<V1ClusterRole>(raw)); break;
                case "RoleBinding": collector.RoleBindings.Add(KubernetesJson.Deserialize<V1RoleBinding>(raw)); break;
                case "ClusterRoleBinding": collector.ClusterRoleBindings.Add(KubernetesJson.Deserialize<V1ClusterRoleBinding>(raw)); break;
                case "ServiceAccount": collector.ServiceAccounts.Add(KubernetesJson.Deserialize<V1ServiceAccount>(raw)); break;
                case "Namespace": collector.Namespaces.Add(KubernetesJson.Deserialize<V1Namespace>(raw)); break;
                case "Pod": collector.Pods.Add(KubernetesJson.Deserialize<V1Pod>(raw)); break;
                case "Secret": collector.Secrets.Add(KubernetesJson.Deserialize<V1Secret>(raw)); break;
                case "ReplicaSet": collector.ReplicaSets.Add(KubernetesJson.Deserialize<V1ReplicaSet>(raw)); break;
                case "Job": collector.Jobs.Add(KubernetesJson.Deserialize<V1Job>(raw)); break;
            }
        }
        catch (JsonException e)
        {
            throw new RbacManifestException($"A {kind} object is malformed: {e.Message}", e);
        }
    }

    private static void LoadYaml(string text, ManifestObjects collector)
    {
        foreach (var document in DocumentSeparator.Split(text))
        {
            if (string.IsNullOrWhiteSpace(document))
            {
                continue;
            }

            AddYamlDocument(document, collector);
        }
    }

    private static void AddYamlDocument(string document, ManifestObjects collector)
    {
        try
        {
            var probe = KubernetesYaml.Deserialize<ManifestHeader>(document);
            var kind = probe?.Kind;
            if (kind is null)
            {
                return;
            }

            if (IsListKind(kind))
            {
                var list = KubernetesYaml.Deserialize<ManifestList>(document);
                foreach (var item in list?.Items ?? new List<object>())
                {
                    if (item is not null)
                    {
                        AddYamlDocument(KubernetesYaml.Serialize(item), collector);
                    }
                }

                return;
            }

            switch (kind)
            {
                case "Role": collector.Roles.Add(KubernetesYaml.Deserialize<V1Role>(document)); break;
                case "ClusterRole": collector.ClusterRoles.Add(KubernetesYaml.Deserialize<V1ClusterRole>(document)); break;
                case "RoleBinding": collector.RoleBindings.Add(KubernetesYaml.Deserialize<V1RoleBinding>(document)); break;
                case "ClusterRoleBinding": collector.ClusterRoleBindings.Add(KubernetesYaml.Deserialize<V1ClusterRoleBinding>(document)); break;
                case "ServiceAccount": collector.ServiceAccounts.Add(KubernetesYaml.Deserialize<V1ServiceAccount>(document)); break;
                case "Namespace": collector.Namespaces.Add(KubernetesYaml.Deserialize<V1Namespace>(document)); break;
                case "Pod": collector.Pods.Add(KubernetesYaml.Deserialize<V1Pod>(document)); break;
                case "Secret": collector.Secrets.Add(KubernetesYaml.Deserialize<V1Secret>(document)); break;
                case "ReplicaSet": collector.ReplicaSets.Add(KubernetesYaml.Deserialize<V1ReplicaSet>(document)); break;
                case "Job": collector.Jobs.Add(KubernetesYaml.Deserialize<V1Job>(document)); break;
            }
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new RbacManifestException($"Not valid YAML (line {e.Start.Line}): {e.Message}", e);
        }
    }

    // kubectl writes "List"; API list responses use "<Kind>List" (RoleList, ServiceAccountList...).
    private static bool IsListKind(string kind) => kind.EndsWith("List", StringComparison.Ordinal);

    /// <summary>The objects of one or more dump files, by kind.</summary>
    internal sealed class ManifestObjects
    {
        public List<V1Role> Roles { get; } = new();
        public List<V1ClusterRole> ClusterRoles { get; } = new();
        public List<V1RoleBinding> RoleBindings { get; } = new();
        public List<V1ClusterRoleBinding> ClusterRoleBindings { get; } = new();
        public List<V1ServiceAccount> ServiceAccounts { get; } = new();
        public List<V1Namespace> Namespaces { get; } = new();
        public List<V1Pod> Pods { get; } = new();
        public List<V1Secret> Secrets { get; } = new();
        public List<V1ReplicaSet> ReplicaSets { get; } = new();
        public List<V1Job> Jobs { get; } = new();

        public void AddRange(ManifestObjects other)
        {
            Roles.AddRange(other.Roles);
            ClusterRoles.AddRange(other.ClusterRoles);
            RoleBindings.AddRange(other.RoleBindings);
            ClusterRoleBindings.AddRange(other.ClusterRoleBindings);
            ServiceAccounts.AddRange(other.ServiceAccounts);
            Namespaces.AddRange(other.Namespaces);
            Pods.AddRange(other.Pods);
            Secrets.AddRange(other.Secrets);
            ReplicaSets.AddRange(other.ReplicaSets);
            Jobs.AddRange(other.Jobs);
        }

        public RbacSnapshot ToSnapshot() => new(Roles, ClusterRoles, RoleBindings, ClusterRoleBindings, ServiceAccounts);
    }

    /// <summary>Just enough of a manifest to learn its kind.</summary>
    internal sealed class ManifestHeader
    {
        public string? ApiVersion { get; set; }
        public string? Kind { get; set; }
    }

    /// <summary>A <c>List</c> whose items are read as plain YAML maps, then parsed again by kind.</summary>
    internal sealed class ManifestList
    {
        public string? ApiVersion { get; set; }
        public string? Kind { get; set; }
        public List<object>? Items { get; set; }
    }
}

/// <summary>A dump file that cannot be read or parsed; the message names the file and the problem.</summary>
public sealed class RbacManifestException : Exception
{
    public RbacManifestException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
