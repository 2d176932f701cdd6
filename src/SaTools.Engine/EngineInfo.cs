namespace SaTools.Engine;

/// <summary>Facts about the engine assembly itself.</summary>
public static class EngineInfo
{
    /// <summary>The engine's version, the module's version.</summary>
    public static string Version => typeof(EngineInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
