namespace SaTools.Benchmarks.Measurement;

/// <summary>Reads the memory lines of /proc/&lt;pid&gt;/status (proc(5): VmRSS, VmHWM, in kB).</summary>
public static class ProcStatus
{
    public static long? ReadKb(string statusPath, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var digits = new string(line.AsSpan(field.Length).Trim().ToString().TakeWhile(char.IsDigit).ToArray());
                return long.TryParse(digits, out var kb) ? kb : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process has gone, or this is not Linux.
        }
        return null;
    }
}
