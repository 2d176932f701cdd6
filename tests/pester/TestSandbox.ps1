# Shared by the Pester suites (dot-source it in BeforeAll): starts the Kubernetes API sandbox's standalone host
# (tests/KubeSandbox) with a scenario and waits for the kubeconfig it writes once it listens; stops it again.

function Start-TestSandbox {
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [ValidateSet('empty', 'bootstrap', 'demo', 'audit', 'scale')] [string] $Scenario,
        [Parameter(Mandatory)] [string] $Name
    )
    $work = Join-Path ([IO.Path]::GetTempPath()) "satools-pester-$Name-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $work | Out-Null
    $kubeconfig = Join-Path $work 'kubeconfig'
    # The built host runs as this one process (no `dotnet run` parent), so stopping it stops the sandbox.
    & dotnet build (Join-Path $Root 'tests/KubeSandbox/KubeSandbox.csproj') -c Release -v q
    if ($LASTEXITCODE -ne 0) { throw 'building the sandbox failed' }
    $process = Start-Process -FilePath dotnet -PassThru -NoNewWindow -ArgumentList @(
        (Join-Path $Root 'tests/KubeSandbox/bin/Release/net10.0/KubeSandbox.dll'), '--scenario', $Scenario, '--kubeconfig', $kubeconfig)
    $deadline = [DateTime]::UtcNow.AddMinutes(3)
    while (-not (Test-Path $kubeconfig)) {
        if ($process.HasExited) { throw "The sandbox exited with code $($process.ExitCode)" }
        if ([DateTime]::UtcNow -gt $deadline) { $process.Kill(); throw 'The sandbox did not start' }
        Start-Sleep -Milliseconds 200
    }
    [pscustomobject]@{ Process = $process; Work = $work; Kubeconfig = $kubeconfig }
}

function Stop-TestSandbox {
    param([Parameter(Mandatory)] [AllowNull()] $Sandbox)
    if ($null -eq $Sandbox) { return }
    if (-not $Sandbox.Process.HasExited) { $Sandbox.Process.Kill($true) }
    Remove-Item -Recurse -Force $Sandbox.Work -ErrorAction SilentlyContinue
}
