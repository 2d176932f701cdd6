namespace SaTools.Engine.Names;

/// <summary>A name refused by <see cref="KubeNames"/>: what it was meant to name, the name, and why it cannot.</summary>
public sealed record InvalidName(NameKind Kind, string Name, string Problem)
{
    /// <summary>The sentence for an error message.</summary>
    public string Message => KubeNames.Describe(Kind, Name, Problem);
}
