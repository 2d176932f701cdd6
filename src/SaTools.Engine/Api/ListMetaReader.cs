using System.Text.Json;

namespace SaTools.Engine.Api;

/// <summary>
/// Reads the <c>continue</c> token and <c>remainingItemCount</c> of a list response from the start of its JSON,
/// without parsing the items, and from as much of the body as has arrived, so the next page can be asked for
/// before the rest of this one is on the client. kube-apiserver writes a list as its Go struct is declared,
/// <c>kind</c>, <c>apiVersion</c>, <c>metadata</c>, then <c>items</c> (k8s.io/apimachinery pkg/apis/meta/v1
/// types.go, e.g. the generated PodList: TypeMeta, ListMeta, Items; encoded by encoding/json in field order), so
/// the metadata is a few hundred bytes in, in the first packet of a page of a megabyte.
/// </summary>
internal static class ListMetaReader
{
    /// <summary>What the start of a body says.</summary>
    public enum Outcome
    {
        /// <summary>The metadata was read whole: the continue token and count are known.</summary>
        Found,

        /// <summary>The bytes so far end before the metadata does: read more and ask again.</summary>
        NeedMore,

        /// <summary>The metadata does not come before the items, or the body is not a JSON object: only the whole
        /// parsed list can tell (or report what is wrong with it).</summary>
        NotAtStart,
    }

    /// <summary>Reads the metadata from <c>json</c>, the start of the body (<c>complete</c>: all of it).</summary>
    public static Outcome TryRead(ReadOnlySpan<byte> json, bool complete, out string? continueToken, out long? remainingItemCount)
    {
        continueToken = null;
        remainingItemCount = null;
        try
        {
            var reader = new Utf8JsonReader(json, isFinalBlock: complete, state: default);
            if (!reader.Read()) return More();
            if (reader.TokenType != JsonTokenType.StartObject) return Outcome.NotAtStart;
            while (true)
            {
                if (!reader.Read()) return More();
                if (reader.TokenType != JsonTokenType.PropertyName) return Outcome.NotAtStart;
                if (reader.ValueTextEquals("items"u8)) return Outcome.NotAtStart;
                var isMetadata = reader.ValueTextEquals("metadata"u8);
                if (!reader.Read()) return More();
                if (!isMetadata)
                {
                    if (!reader.TrySkip()) return More();
                    continue;
                }
                if (reader.TokenType != JsonTokenType.StartObject) return Outcome.NotAtStart;
                while (true)
                {
                    if (!reader.Read()) return More();
                    if (reader.TokenType == JsonTokenType.EndObject) return Outcome.Found;
                    if (reader.TokenType != JsonTokenType.PropertyName) return Outcome.NotAtStart;
                    var isContinue = reader.ValueTextEquals("continue"u8);
                    var isCount = !isContinue && reader.ValueTextEquals("remainingItemCount"u8);
                    if (!reader.Read()) return More();
                    if (isContinue)
                    {
                        continueToken = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (isCount)
                    {
                        remainingItemCount = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) ? n : null;
                    }
                    else if (!reader.TrySkip())
                    {
                        return More();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the full parse reports it.
            return Outcome.NotAtStart;
        }

        // A whole body that ends inside the metadata is cut short: the full parse reports it.
        Outcome More() => complete ? Outcome.NotAtStart : Outcome.NeedMore;
    }
}
