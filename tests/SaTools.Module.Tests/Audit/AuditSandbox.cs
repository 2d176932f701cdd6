using KubeSandbox;

namespace SaTools.Module.Tests.Audit;

/// <summary>One sandbox with the held-out <c>audit</c> scenario for a test class, a kubeconfig, and a session
/// whose SaTools cmdlets use it by default. The audit only reads, so tests share it.</summary>
public sealed class AuditSandbox : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;
    public ModuleSession Session { get; private set; } = null!;
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "satools-audit-" + Guid.NewGuid().ToString("N"));
    public string Kubeconfig { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "audit" });
        Kubeconfig = Server.WriteKubeconfig(Path.Combine(Directory, "admin.yaml"));
        Session = new ModuleSession();
        Session.Run("$PSDefaultParameterValues['*-K8s*:Kubeconfig'] = $args[0]", Kubeconfig);
    }

    public async Task DisposeAsync()
    {
        Session.Dispose();
        await Server.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
