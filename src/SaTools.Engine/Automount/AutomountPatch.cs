using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaTools.Engine.Automount;

/// <summary>
/// The JSON merge patch (RFC 7386; KubeApi.PatchServiceAccountAsync sends it as <c>application/merge-patch+json</c>) that sets or removes only
/// <c>automountServiceAccountToken</c>. A merge patch names only the field it changes, so labels, secrets,
/// imagePullSecrets and anything else the ServiceAccount holds are left as they are; <c>null</c> removes the field.
/// </summary>
public static class AutomountPatch
{
    public const string FieldName = "automountServiceAccountToken";

    public static string Body(bool? value)
    {
        var body = new JsonObject { [FieldName] = value is bool b ? JsonValue.Create(b) : null };
        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
