using System.Globalization;

namespace SaTools.Engine.LegacyTokens;

/// <summary>
/// The names Kubernetes uses for legacy (Secret-based) ServiceAccount tokens. Sources: pkg/apis/core/types.go
/// (SecretTypeServiceAccountToken, ServiceAccountNameKey, ServiceAccountUIDKey), and
/// pkg/serviceaccount/legacy.go / pkg/controller/serviceaccount/legacy_serviceaccount_token_cleaner.go for the
/// tracking labels (LastUsedLabelKey, InvalidSinceLabelKey), whose values are dates in the form 2006-01-02.
/// </summary>
public static class LegacyTokenLabels
{
    public const string SecretType = "kubernetes.io/service-account-token";
    public const string ServiceAccountNameAnnotation = "kubernetes.io/service-account.name";
    public const string ServiceAccountUidAnnotation = "kubernetes.io/service-account.uid";
    public const string LastUsedLabel = "kubernetes.io/legacy-token-last-used";
    public const string InvalidSinceLabel = "kubernetes.io/legacy-token-invalid-since";

    /// <summary>The label date format (Go layout "2006-01-02").</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>
    /// How long a token may go unused before it counts as Unused: one year, the default of kube-controller-manager's
    /// <c>--legacy-service-account-token-clean-up-period</c> (docs: reference/access-authn-authz/service-accounts-admin,
    /// "Legacy ServiceAccount token cleaner").
    /// </summary>
    public static readonly TimeSpan DefaultUnusedPeriod = TimeSpan.FromDays(365);

    public static DateTime? ParseDate(string? value) =>
        DateTime.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    public static string FormatDate(DateTime utc) => utc.ToUniversalTime().ToString(DateFormat, CultureInfo.InvariantCulture);
}
