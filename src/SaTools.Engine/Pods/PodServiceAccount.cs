using k8s.Models;

namespace SaTools.Engine.Pods;

/// <summary>The ServiceAccount a pod runs as.</summary>
internal static class PodServiceAccount
{
    /// <summary>
    /// <c>spec.serviceAccountName</c>, else the deprecated <c>spec.serviceAccount</c>, else <c>default</c>: the
    /// ServiceAccount admission plugin fills in <c>default</c> when neither is set
    /// (plugin/pkg/admission/serviceaccount/admission.go, DefaultServiceAccountName).
    /// </summary>
    public static string NameOf(V1Pod pod) => NameOf(pod.Spec);

    /// <summary>The same for a pod spec (a workload's pod template).</summary>
    public static string NameOf(V1PodSpec? spec)
    {
        if (!string.IsNullOrEmpty(spec?.ServiceAccountName))
        {
            return spec.ServiceAccountName;
        }
        return string.IsNullOrEmpty(spec?.ServiceAccount) ? DefaultName : spec.ServiceAccount;
    }

    public const string DefaultName = "default";
}
