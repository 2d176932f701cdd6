using System.Security.Cryptography;
using System.Text;

namespace KubeSandbox.Scenarios;

/// <summary>Stable uids for owners the sandbox does not store (Deployments, ReplicaSets, StatefulSets...).</summary>
public static class SyntheticUids
{
    public static string For(string kind, string ns, string name)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}/{ns}/{name}"));
        h[6] = (byte)((h[6] & 0x0F) | 0x40);
        h[8] = (byte)((h[8] & 0x3F) | 0x80);
        return $"{Convert.ToHexString(h, 0, 4)}-{Convert.ToHexString(h, 4, 2)}-{Convert.ToHexString(h, 6, 2)}-{Convert.ToHexString(h, 8, 2)}-{Convert.ToHexString(h, 10, 6)}".ToLowerInvariant();
    }
}
