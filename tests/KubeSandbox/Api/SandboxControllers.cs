namespace KubeSandbox.Api;

/// <summary>
/// A control-loop the sandbox runs (the kube-controller-manager's part it emulates). Every registered
/// controller is started once, before the scenario is loaded, so it sees every object the scenario creates
/// through <see cref="Storage.IObjectStore.Changed"/>; <see cref="Start"/> may also reconcile what is already stored.
/// </summary>
public interface ISandboxController
{
    void Start();
}
