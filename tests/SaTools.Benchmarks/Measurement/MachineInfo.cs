using System.Runtime.InteropServices;

namespace SaTools.Benchmarks.Measurement;

/// <summary>The machine the figures came from: they mean little without it.</summary>
public sealed record MachineInfo(int Cores, double MemoryGb, string Os, string DotNet, string Cpu)
{
    public static MachineInfo Current()
    {
        var memoryKb = ProcStatus.ReadKb("/proc/meminfo", "MemTotal:");
        var memoryGb = memoryKb is { } kb ? kb / 1024.0 / 1024.0 : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024;
        return new MachineInfo(Environment.ProcessorCount, Math.Round(memoryGb, 1), RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, CpuModel());
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    public override string ToString() => $"{Cores} cores ({Cpu}), {MemoryGb:0.#} GB, {Os}, {DotNet}";
}
