# Shared by the Pester suites (dot-source it in BeforeAll) and by build.ps1 -Task Demo: starts the Kubernetes API
# sandbox's standalone host (tests/KubeSandbox) with a scenario and waits for the kubeconfig it writes once it
# listens; stops it again. A failed start leaves no process and no folder behind.

function Start-TestSandbox {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Starts a throwaway loopback process for one test file; nothing outside the temp folder changes')]
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [ValidateSet('empty', 'bootstrap', 'demo', 'audit', 'scale')] [string] $Scenario,
        [Parameter(Mandatory)] [string] $Name
    )
    $work = Join-Path ([IO.Path]::GetTempPath()) "satools-pester-$Name-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $work | Out-Null
    $kubeconfig = Join-Path $work 'kubeconfig'
    $process = $null
    try {
        # Built once per process (build.ps1 -Task Test has built it already and says so), quietly: the caller gets
        # the sandbox object only (the build output is shown when the build fails).
        if ($env:SATOOLS_SANDBOX_BUILT -ne '1') {
            $build = & dotnet build (Join-Path $Root 'tests/KubeSandbox/KubeSandbox.csproj') -c Release -v q 2>&1
            if ($LASTEXITCODE -ne 0) { $build | Out-Host; throw 'building the sandbox failed' }
            $env:SATOOLS_SANDBOX_BUILT = '1'
        }
        # The built host runs as this one process (no `dotnet run` parent), so stopping it stops the sandbox.
        $process = Start-Process -FilePath dotnet -PassThru -NoNewWindow -RedirectStandardOutput (Join-Path $work 'sandbox.log') -ArgumentList @(
            (Join-Path $Root 'tests/KubeSandbox/bin/Release/net10.0/KubeSandbox.dll'), '--scenario', $Scenario, '--kubeconfig', $kubeconfig)
        $deadline = [DateTime]::UtcNow.AddMinutes(3)
        while (-not (Test-Path $kubeconfig)) {
            if ($process.HasExited) { throw "The sandbox exited with code $($process.ExitCode)" }
            if ([DateTime]::UtcNow -gt $deadline) { throw 'The sandbox did not start within 3 minutes' }
            Start-Sleep -Milliseconds 200
        }
        [pscustomobject]@{ Process = $process; Work = $work; Kubeconfig = $kubeconfig; Name = $Name }
    }
    catch {
        if ($process -and -not $process.HasExited) { $process.Kill($true) }
        Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
        throw
    }
}

function Stop-TestSandbox {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Stops the throwaway process Start-TestSandbox started and removes its temp folder')]
    [CmdletBinding()]
    param([Parameter(Mandatory)] [AllowNull()] $Sandbox)
    foreach ($s in @($Sandbox)) {
        if ($null -eq $s) { continue }
        if (-not $s.Process.HasExited) {
            $s.Process.Kill($true)
            $s.Process.WaitForExit(10000) | Out-Null
        }
        Remove-Item -Recurse -Force $s.Work -ErrorAction SilentlyContinue
    }
}
