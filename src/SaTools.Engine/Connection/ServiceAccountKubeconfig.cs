using System.Text;
using k8s;
using k8s.KubeConfigModels;

namespace SaTools.Engine.Connection;

/// <summary>
/// A kubeconfig for one ServiceAccount token, the file the checklist builds by hand with
/// <c>kubectl config set-credentials ci --token="$(kubectl create token ci-deploy --duration=1h)"</c>: only the
/// cluster of the current connection (server, certificate authority, tls-server-name), one user named for the
/// ServiceAccount holding the token, and one context (the current one) with the namespace
/// (docs: concepts/configuration/organize-cluster-access-kubeconfig). Serialized with KubernetesClient's own
/// kubeconfig model, so what its loader and kubectl read back is what was written.
/// </summary>
public static class ServiceAccountKubeconfig
{
    /// <summary>The names used in the file for a ServiceAccount of a cluster.</summary>
    public static (string Cluster, string User, string Context) NamesFor(string clusterName, string @namespace, string serviceAccount) =>
        (clusterName, serviceAccount, $"{serviceAccount}@{clusterName}");

    /// <summary>The kubeconfig text. It holds the token: write it only with <see cref="KubeconfigFile.WriteOwnerOnly"/>.</summary>
    public static string Build(KubeConnection connection, string @namespace, string serviceAccount, string token)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var (cluster, user, context) = NamesFor(connection.ContextName, @namespace, serviceAccount);
        var config = new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = "Config",
            CurrentContext = context,
            Clusters =
            [
                new Cluster
                {
                    Name = cluster,
                    ClusterEndpoint = new ClusterEndpoint
                    {
                        Server = connection.Server,
                        CertificateAuthorityData = connection.CertificateAuthorityPem is { } pem
                            ? Convert.ToBase64String(Encoding.ASCII.GetBytes(pem))
                            : null,
                        SkipTlsVerify = connection.SkipTlsVerification,
                        TlsServerName = connection.TlsServerName,
                    },
                },
            ],
            Users = [new User { Name = user, UserCredentials = new UserCredentials { Token = token } }],
            Contexts = [new Context { Name = context, ContextDetails = new ContextDetails { Cluster = cluster, User = user, Namespace = @namespace } }],
        };
        return KubernetesYaml.Serialize(config);
    }
}
