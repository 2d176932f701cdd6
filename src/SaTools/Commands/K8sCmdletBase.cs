using System.Collections.Concurrent;
using System.Management.Automation;
using System.Reflection;
using System.Security;
using SaTools.Completion;
using SaTools.Engine.Api;
using SaTools.Engine.Connection;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// What every SaTools cmdlet shares (PSKubectl src/KubeApiCmdlet.cs, SecretManagement SecretCmdlet): the
/// connection parameters and the connection's lifetime, a CancellationTokenSource cancelled by Ctrl+C
/// (StopProcessing), the bridge from the async engine to the pipeline thread, the request log routed to
/// -Verbose. Progress lives in K8sCmdletBase.Progress.cs, ErrorRecords built from engine failures in
/// K8sCmdletBase.Errors.cs, -Namespace resolution and name checks in K8sCmdletBase.Names.cs.
/// <para>
/// Derived cmdlets: use <see cref="Connection"/> (opened on first use), call the engine through
/// <see cref="Await{T}"/> or <see cref="Stream{T}"/>, report per-item failures with <see cref="WriteKubeError"/>
/// and fatal ones with <see cref="ThrowKubeError"/>.
/// </para>
/// <para>
/// Just over 300 lines: the connection parameters (each documented, as help is built from them) and the async
/// bridge belong together, the other concerns already live in the partial files named above.
/// </para>
/// </summary>
public abstract partial class K8sCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    // Work queued by engine callbacks (request log, progress) on pool threads, run on the pipeline thread.
    private readonly ConcurrentQueue<Action> _pipelineThreadWork = new();
    private ClusterConnection? _connection;
    private bool _ownsConnection;
    private bool _disposed;

    /// <summary>The kubeconfig context to use instead of current-context.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>The kubeconfig file(s) to read instead of $env:KUBECONFIG or ~/.kube/config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    /// <summary>The API server URL (with -Token: no kubeconfig is read).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Server { get; set; }

    /// <summary>A bearer token.</summary>
    [Parameter]
    [ValidateNotNull]
    public SecureString? Token { get; set; }

    /// <summary>The cluster CA: a file path or PEM text.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateAuthority { get; set; }

    /// <summary>Do not verify the server's certificate (test clusters only).</summary>
    [Parameter]
    public SwitchParameter SkipTlsVerification { get; set; }

    /// <summary>A connection from Connect-K8sCluster.</summary>
    [Parameter]
    [ValidateNotNull]
    public ClusterConnection? Connection { get; set; }

    /// <summary>Cancelled when the user presses Ctrl+C (or the host stops the pipeline).</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary><c>GetK8sServiceAccount</c>: the prefix of every error id this cmdlet writes.</summary>
    protected string CommandId
    {
        get
        {
            var attribute = GetType().GetCustomAttribute<CmdletAttribute>();
            return attribute is null ? GetType().Name.Replace("Command", "", StringComparison.Ordinal) : attribute.VerbName + attribute.NounName;
        }
    }

    /// <summary>The connection this invocation uses, opened on first use.</summary>
    protected ClusterConnection ClusterConnection => _connection ??= OpenConnection();

    /// <summary>The engine connection (and through it <see cref="KubeConnection.Api"/>).</summary>
    protected KubeConnection KubeConnection => ClusterConnection.Engine;

    /// <summary>The name every output object carries in its Context property.</summary>
    protected string ContextName => ClusterConnection.Context;

    /// <summary>True when any connection parameter was given on the command line. Virtual for a cmdlet that
    /// hides one of them with a parameter of its own (Test-K8sTokenReview's -Token is the token under review).</summary>
    protected virtual bool HasExplicitConnectionParameters =>
        MyInvocation.BoundParameters.ContainsKey(nameof(Context)) || MyInvocation.BoundParameters.ContainsKey(nameof(Kubeconfig)) ||
        MyInvocation.BoundParameters.ContainsKey(nameof(Server)) || MyInvocation.BoundParameters.ContainsKey(nameof(Token)) ||
        MyInvocation.BoundParameters.ContainsKey(nameof(CertificateAuthority)) || SkipTlsVerification.IsPresent;

    /// <summary>Whether Connect-K8sCluster style verification (<c>/version</c>) runs when opening. Off for ordinary
    /// cmdlets: their first request fails the same way, and a listing stays at the minimum number of requests.</summary>
    protected virtual bool VerifyConnectionOnOpen => false;

    /// <summary>Whether the session's default connection (Connect-K8sCluster) is used when no connection parameter is given.</summary>
    protected virtual bool UseSessionConnection => true;

    /// <summary>The namespace the connection uses instead of the context's (Connect-K8sCluster -Namespace); null: the context's.</summary>
    protected virtual string? ConnectionNamespace => null;

    /// <summary>Makes the connection this invocation opened outlive it (Connect-K8sCluster hands it to the session).</summary>
    protected void KeepConnectionOpen() => _ownsConnection = false;

    /// <summary>The options the connection parameters describe.</summary>
    private ConnectionOptions BuildConnectionOptions() => new()
    {
        // Several files may be joined with the path separator, as in $env:KUBECONFIG: resolve each one
        // (relative to the current PowerShell location, not the process directory).
        KubeconfigPath = Kubeconfig is null ? null : string.Join(Path.PathSeparator,
            Kubeconfig.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(GetUnresolvedProviderPathFromPSPath)),
        Context = Context,
        Server = Server,
        Token = Token is null ? null : SecureText.Reveal(Token),
        CertificateAuthority = CertificateAuthority is null || CertificateAuthority.Contains("-----BEGIN", StringComparison.Ordinal)
            ? CertificateAuthority
            : GetUnresolvedProviderPathFromPSPath(CertificateAuthority),
        SkipTlsVerification = SkipTlsVerification.IsPresent,
        Namespace = ConnectionNamespace,
        VerifyConnection = VerifyConnectionOnOpen,
    };

    private ClusterConnection OpenConnection()
    {
        if (Connection is not null)
        {
            if (HasExplicitConnectionParameters)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-Connection cannot be combined with -Context, -Kubeconfig, -Server, -Token, -CertificateAuthority or -SkipTlsVerification: the connection already fixes all of them."),
                    CommandId + "ConnectionParameterConflict", ErrorCategory.InvalidArgument, Connection));
            }
            return Connection;
        }

        if (UseSessionConnection && !HasExplicitConnectionParameters && SessionConnection.Current is { } sessionDefault)
        {
            return sessionDefault;
        }

        var options = BuildConnectionOptions();
        if (Server is not null && Token is null && Kubeconfig is null && Context is null)
        {
            WriteDebug("-Server without -Token: the kubeconfig's credentials are used with the given server.");
        }
        var engine = Await(ct => KubeConnection.OpenAsync(options, ct), target: Context ?? Server ?? Kubeconfig);
        _ownsConnection = true;
        if (engine.SkipTlsVerification)
        {
            WriteWarning($"TLS verification is off for {engine.Server}: the server's identity is not checked and the token can be intercepted. Use -CertificateAuthority instead outside a test cluster.");
        }
        WriteDebug($"Connected to context '{engine.ContextName}' at {engine.Server} (from {engine.Source}).");
        return new ClusterConnection(engine);
    }

    /// <summary>Runs one engine call on the pipeline thread's behalf: waits for it, routes its request log to
    /// -Verbose, turns Ctrl+C into a stopped pipeline and an engine failure into a terminating ErrorRecord
    /// (catch <see cref="KubeApiException"/> inside <paramref name="work"/>'s caller to make it non-terminating:
    /// use <see cref="TryAwait{T}"/>).</summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work, object? target = null)
    {
        try
        {
            return AwaitCore(work);
        }
        catch (KubeApiException e)
        {
            ThrowKubeError(e, target);
            throw; // not reached
        }
    }

    /// <summary>Like <see cref="Await{T}"/> for calls without a result.</summary>
    protected void Await(Func<CancellationToken, Task> work, object? target = null) =>
        Await(async ct => { await work(ct).ConfigureAwait(false); return true; }, target);

    /// <summary>Runs one engine call; an engine failure is written as a non-terminating error and
    /// <paramref name="succeeded"/> is false, unless it is fatal (<see cref="IsFatal"/>), which terminates.</summary>
    protected T? TryAwait<T>(Func<CancellationToken, Task<T>> work, object? target, out bool succeeded, string? problem = null)
    {
        try
        {
            var result = AwaitCore(work);
            succeeded = true;
            return result;
        }
        catch (KubeApiException e)
        {
            if (IsFatal(e)) ThrowKubeError(e, target);
            WriteKubeError(e, target, problem);
            succeeded = false;
            return default;
        }
    }

    /// <summary>Runs one engine call like <see cref="Await{T}"/>, but leaves a <see cref="KubeApiException"/> to the
    /// caller (to tell a missing namespace from a missing object, say).</summary>
    protected T AwaitCore<T>(Func<CancellationToken, Task<T>> work)
    {
        Task<T> task;
        using (RequestLog.BeginScope(QueueRequestLog))
        {
            task = work(CancellationToken);
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            RunPipelineThreadWork();
        }
    }

    /// <summary>Streams an engine listing: each item is handed to the caller (to WriteObject) before the engine
    /// asks for the next page. An engine failure ends the stream with a <see cref="KubeApiException"/> the caller
    /// catches (non-terminating) or lets <see cref="ThrowKubeError"/> handle.</summary>
    protected IEnumerable<T> Stream<T>(Func<CancellationToken, IAsyncEnumerable<T>> source)
    {
        IAsyncEnumerator<T> enumerator;
        using (RequestLog.BeginScope(QueueRequestLog))
        {
            enumerator = source(CancellationToken).GetAsyncEnumerator(CancellationToken);
        }
        try
        {
            while (MoveNext(enumerator))
            {
                yield return enumerator.Current;
            }
        }
        finally
        {
            try
            {
                enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception) when (CancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private bool MoveNext<T>(IAsyncEnumerator<T> enumerator)
    {
        ValueTask<bool> next;
        using (RequestLog.BeginScope(QueueRequestLog))
        {
            next = enumerator.MoveNextAsync();
        }
        try
        {
            return next.AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            RunPipelineThreadWork();
        }
    }

    private void QueueRequestLog(RequestLogEntry entry) => _pipelineThreadWork.Enqueue(() =>
    {
        WriteVerbose(entry.ToString());
        if (entry.StatusCode is null or >= 400)
        {
            WriteDebug($"Request {entry.Method} {entry.PathAndQuery} failed: {entry.Failure ?? "HTTP " + entry.StatusCode}.");
        }
    });

    /// <summary>Runs queued writes (request log, progress). Only on the pipeline thread.</summary>
    protected void RunPipelineThreadWork()
    {
        while (_pipelineThreadWork.TryDequeue(out var work))
        {
            work();
        }
    }

    // ---- Lifetime ----

    protected override void StopProcessing()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsConnection) _connection?.Engine.Dispose();
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }
}
