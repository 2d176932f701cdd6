using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SaTools.Engine.Api;

/// <summary>
/// The strings of a trimmed list (<see cref="ListFields"/>), each short value parsed once: the second pod of a
/// namespace gets the same namespace string as the first, and so do its ServiceAccount's name, its owner's kind,
/// its labels' keys, a binding's subject kind and roleRef group, a rule's verbs and resources. Tens of thousands of
/// objects repeat a few thousand such values; parsed one by one they were most of a page's strings, and the copies
/// an audit keeps until its checks run were what the GC copied again at each collection (issue 18).
/// <para>
/// A fixed table, looked up by a hash of the value's UTF-8 bytes and checked against them: a value is only ever
/// replaced by an equal one, so the answer is the string System.Text.Json would have built. Slots are replaced
/// without a lock (a reference write is atomic), so lists parsed side by side share the table; two threads may
/// both build a value, and one copy is kept. Long values (object names, UIDs, messages) are rarely repeated and are
/// built as usual; so are escaped values. The table lives as long as the session, so no secret value may enter it:
/// no Secret list is trimmed (the Secrets are parsed whole, inspected and emptied, <see cref="Audit.AuditSnapshot"/>),
/// and no trimmed list keeps a field that holds one (a container's env value, an annotation).
/// </para>
/// </summary>
internal sealed class PooledStrings : JsonConverter<string>
{
    /// <summary>Values up to this many bytes are pooled: namespaces and names are at most 63 (a DNS label) or 253.</summary>
    internal const int MaxPooledBytes = 64;

    private const int Slots = 8192;

    // Held as long as the options that use it (the static ListFields of each trimmed list): at most
    // Slots values of at most MaxPooledBytes bytes, about 1 MB.
    private readonly string?[] _table = new string?[Slots];

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Pooled(ref reader) : reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    // Dictionary keys (labels, annotations) go through these once a string converter is registered.
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Pooled(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private string Pooled(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxPooledBytes || IsUid(reader.ValueSpan))
        {
            return reader.GetString()!;
        }

        var bytes = reader.ValueSpan;
        Span<char> chars = stackalloc char[MaxPooledBytes];
        // The reader has checked the bytes are valid UTF-8; a char per byte at most.
        var length = Encoding.UTF8.GetChars(bytes, chars);
        var value = chars[..length];
        ref var slot = ref _table[(int)(Fnv1a(bytes) % Slots)];
        var kept = Volatile.Read(ref slot);
        if (kept is not null && value.SequenceEqual(kept))
        {
            return kept;
        }

        var made = new string(value);
        Volatile.Write(ref slot, made);
        return made;
    }

    /// <summary>A metadata.uid (RFC 4122 text, 36 bytes): unique to one object, so not worth a slot.</summary>
    private static bool IsUid(ReadOnlySpan<byte> value) =>
        value.Length == 36 && value[8] == '-' && value[13] == '-' && value[18] == '-' && value[23] == '-';

    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
