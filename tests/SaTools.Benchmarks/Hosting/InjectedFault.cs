using KubeSandbox.Faults;

namespace SaTools.Benchmarks.Hosting;

/// <summary>A fault the sandbox injects into the requests whose path starts with <see cref="PathPrefix"/> (and
/// whose method is <see cref="Method"/>, when given): with <see cref="Probability"/>, at most <see cref="Times"/>
/// times (null: no limit). The sandbox draws from its seeded random, so the same request order gives the same faults.</summary>
public sealed record InjectedFault(FaultKind Kind, string PathPrefix, string? Method = null, double Probability = 1.0, int? Times = null);
