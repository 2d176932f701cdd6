using System.Reflection;

namespace SaTools.Engine.Tests;

/// <summary>
/// The brief's hard rule: SaTools.dll sees only BCL and engine types. No public or protected member of a public
/// engine type may mention a KubernetesClient, IdentityModel, Polly or YamlDotNet type.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly string[] Forbidden = { "k8s", "Microsoft.IdentityModel", "System.IdentityModel", "Polly", "YamlDotNet" };

    [Fact]
    public void PublicSurfaceUsesOnlyBclAndEngineTypes()
    {
        var engine = typeof(SaTools.Engine.EngineInfo).Assembly;
        var offenders = new List<string>();
        foreach (var type in engine.GetExportedTypes())
        {
            if (type.BaseType is { } b) Check(type, "base", b);
            foreach (var i in type.GetInterfaces()) Check(type, "interface", i);
            const BindingFlags visible = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(visible))
            {
                switch (member)
                {
                    case MethodBase m when m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly:
                        if (m is MethodInfo mi) Check(type, m.Name, mi.ReturnType);
                        foreach (var p in m.GetParameters()) Check(type, m.Name, p.ParameterType);
                        break;
                    case PropertyInfo p when (p.GetMethod?.IsPublic ?? false) || (p.GetMethod?.IsFamily ?? false) || (p.SetMethod?.IsPublic ?? false):
                        Check(type, p.Name, p.PropertyType);
                        break;
                    case FieldInfo f when f.IsPublic || f.IsFamily:
                        Check(type, f.Name, f.FieldType);
                        break;
                }
            }
        }
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));

        void Check(Type owner, string member, Type used)
        {
            foreach (var t in Flatten(used))
            {
                if (t.Namespace is { } ns && Forbidden.Any(f => ns == f || ns.StartsWith(f + ".", StringComparison.Ordinal)))
                    offenders.Add($"{owner.FullName}.{member} exposes {t.FullName}");
            }
        }
    }

    private static IEnumerable<Type> Flatten(Type t)
    {
        if (t.HasElementType) { foreach (var e in Flatten(t.GetElementType()!)) yield return e; yield break; }
        yield return t;
        if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) foreach (var e in Flatten(a)) yield return e;
    }
}
