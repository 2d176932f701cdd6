namespace KubeSandbox.Hosting;

/// <summary>
/// dotnet run --project tests/KubeSandbox -- --scenario demo --kubeconfig &lt;path&gt; [--port N] [--seed N]:
/// starts a sandbox, writes a kubeconfig whose current context is the admin context, prints where it listens,
/// and stops cleanly on Ctrl+C.
/// </summary>
public static class StandaloneHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new SandboxOptions { Scenario = "demo" };
        string? kubeconfig = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scenario": options.Scenario = Next(); break;
                case "--kubeconfig": kubeconfig = Next(); break;
                case "--port": options.Port = int.Parse(Next()); break;
                case "--seed": options.Seed = int.Parse(Next()); break;
                case "--admin-token": options.AdminToken = Next(); break;
                case "--policy-release": options.PolicyRelease = Next(); break;
                case "--kubernetes-version": options.KubernetesVersion = Next(); break;
                case "--signing-algorithm": options.SigningAlgorithm = Next(); break;
                case "--advertise-address": options.AdvertisedAddress = Next(); break;
                case "-h" or "--help":
                    Console.WriteLine("usage: KubeSandbox [--scenario empty|bootstrap|demo|scale] [--kubeconfig PATH] [--port N] [--seed N] [--admin-token T] [--kubernetes-version 1.26|1.33] [--signing-algorithm RS256|ES256|ES384|ES512] [--policy-release 1.26|1.33] [--advertise-address HOST:PORT]");
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]} (try --help)");
                    return 2;
            }
        }
        try
        {
            KubernetesRelease.Parse(options.KubernetesVersion);
            ServiceAccountSigningKeyCheck(options.SigningAlgorithm);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        await using var sandbox = await SandboxServer.StartAsync(options);
        Console.WriteLine($"Kubernetes API sandbox ({options.Scenario}, Kubernetes {options.KubernetesVersion}, {options.SigningAlgorithm}) listening on {sandbox.Url}");
        if (kubeconfig is not null)
        {
            sandbox.WriteKubeconfig(kubeconfig, contextName: "sandbox-admin");
            Console.WriteLine($"kubeconfig written to {Path.GetFullPath(kubeconfig)} (current context: sandbox-admin)");
        }
        Console.WriteLine("Press Ctrl+C to stop.");
        var done = new TaskCompletionSource();
        // Ctrl+C (SIGINT) and SIGTERM stop the server cleanly; cancelling the default keeps the runtime from
        // exiting before the server is disposed.
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; done.TrySetResult(); });
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; done.TrySetResult(); });
        await done.Task;
        Console.WriteLine("stopping");
        return 0;
    }

    private static void ServiceAccountSigningKeyCheck(string algorithm)
    {
        if (!Security.ServiceAccountSigningKey.Algorithms.Contains(algorithm.ToUpperInvariant()))
            throw new ArgumentException($"unknown signing algorithm '{algorithm}': use one of {string.Join(", ", Security.ServiceAccountSigningKey.Algorithms)}");
    }
}
