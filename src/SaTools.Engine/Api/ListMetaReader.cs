using System.Text.Json;

namespace SaTools.Engine.Api;

/// <summary>
/// Reads the <c>continue</c> token and <c>remainingItemCount</c> of a list response from the start of its JSON,
/// without parsing the items, so the next page can be asked for before this one is parsed. kube-apiserver writes
/// a list as its Go struct is declared, <c>kind</c>, <c>apiVersion</c>, <c>metadata</c>, then <c>items</c>
/// (k8s.io/apimachinery pkg/apis/meta/v1 types.go, e.g. the generated PodList: TypeMeta, ListMeta, Items; encoded
/// by encoding/json in field order), so the metadata is a few hundred bytes in.
/// </summary>
internal static class ListMetaReader
{
    /// <returns>False when the metadata does not come before the items (then the caller reads it from the whole
    /// parsed list).</returns>
    public static bool TryRead(ReadOnlySpan<byte> json, out string? continueToken, out long? remainingItemCount)
    {
        continueToken = null;
        remainingItemCount = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("items"u8)) return false;
                if (!reader.ValueTextEquals("metadata"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("continue"u8))
                    {
                        reader.Read();
                        continueToken = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("remainingItemCount"u8))
                    {
                        reader.Read();
                        remainingItemCount = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) ? n : null;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                return true;
            }
            return false;
        }
        catch (JsonException)
        {
            // A body cut short or not JSON: the full parse reports it.
            return false;
        }
    }
}
