#Requires -Version 7.4
<#
.SYNOPSIS
    Task runner for SaTools: a thin layer over `dotnet build`, which alone assembles the module in out/SaTools/.
.DESCRIPTION
    Tasks:
      Build    dotnet build; the importable module lands in out/SaTools/.
      Test     the xunit suites (the exact CI command), then the Pester suite when Pester 5 is installed.
      Docs     regenerates Markdown help from the module with PlatyPS when it is installed (docs/).
      Package  out/packages/SaTools.<version>.nupkg, which Install-Module and Install-PSResource accept.
      Demo     starts the sandbox with the demo scenario, imports the built module, runs README's examples, stops.
      Bench    the benchmark project (tests/SaTools.Benchmarks); -BenchArguments passes options (--quick).
.EXAMPLE
    ./build.ps1 -Task Build, Test
.EXAMPLE
    ./build.ps1 -Task Package -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Demo', 'Bench')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Passed to the benchmark (Bench task), e.g. -BenchArguments --quick
    [string[]] $BenchArguments = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/SaTools'
$manifest = Join-Path $moduleDir 'SaTools.psd1'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'src/SaTools/SaTools.csproj'), '-c', $Configuration)
    Write-Host "Module assembled in $moduleDir"
}

function Invoke-Test {
    # The exact test command README.md and .ci/run give.
    Invoke-Native dotnet @('test', (Join-Path $root 'SaTools.sln'), '-c', $Configuration)
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object Version -ge '5.0.0' | Sort-Object Version -Descending | Select-Object -First 1
    if ($pester) {
        Import-Module $pester -Force
        $config = New-PesterConfiguration
        $config.Run.Path = Join-Path $root 'tests/pester'
        $config.Run.Exit = $false
        $config.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $config
        if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed" }
    }
    else {
        Write-Warning 'Pester 5 is not installed: skipping tests/pester (Install-Module Pester -MinimumVersion 5.0).'
    }
}

function Invoke-Docs {
    $platy = Get-Module -ListAvailable -Name platyPS, Microsoft.PowerShell.PlatyPS | Select-Object -First 1
    if (-not $platy) {
        Write-Warning 'PlatyPS is not installed: en-US/SaTools.dll-Help.xml is maintained by hand (Install-Module platyPS).'
        return
    }
    Invoke-Build
    Import-Module $manifest -Force
    Import-Module $platy -Force
    $docs = Join-Path $root 'docs'
    if ($platy.Name -eq 'platyPS') {
        if (Test-Path $docs) { Update-MarkdownHelp -Path $docs | Out-Null }
        else { New-MarkdownHelp -Module SaTools -OutputFolder $docs -WithModulePage | Out-Null }
    }
    else {
        New-MarkdownCommandHelp -ModuleInfo (Get-Module SaTools) -OutputFolder $docs -Force | Out-Null
    }
    Write-Host "Markdown help written to $docs"
}

function Invoke-Package {
    Invoke-Build
    $version = (Import-PowerShellDataFile $manifest).ModuleVersion
    $packages = Join-Path $root 'out/packages'
    New-Item -ItemType Directory -Force -Path $packages | Out-Null

    if (Get-Command Compress-PSResource -ErrorAction SilentlyContinue) {
        Compress-PSResource -Path $moduleDir -DestinationPath $packages
    }
    elseif (Get-Command Publish-PSResource -ErrorAction SilentlyContinue) {
        $repo = 'SaToolsBuild'
        if (-not (Get-PSResourceRepository -Name $repo -ErrorAction SilentlyContinue)) {
            Register-PSResourceRepository -Name $repo -Uri $packages -Trusted
        }
        try { Publish-PSResource -Path $moduleDir -Repository $repo -SkipDependenciesCheck }
        finally { Unregister-PSResourceRepository -Name $repo }
    }
    elseif (Get-Command Publish-Module -ErrorAction SilentlyContinue) {
        $repo = 'SaToolsBuild'
        if (-not (Get-PSRepository -Name $repo -ErrorAction SilentlyContinue)) {
            Register-PSRepository -Name $repo -SourceLocation $packages -PublishLocation $packages -InstallationPolicy Trusted
        }
        try { Publish-Module -Path $moduleDir -Repository $repo }
        finally { Unregister-PSRepository -Name $repo }
    }
    else {
        New-NupkgByHand -Version $version -Destination $packages
    }
    Get-ChildItem $packages -Filter "SaTools.$version*.nupkg" | ForEach-Object { Write-Host "Package: $($_.FullName)" }
}

# A .nupkg is a zip with a .nuspec at its root; Install-Module/Install-PSResource read the module from the rest.
function New-NupkgByHand {
    param([string] $Version, [string] $Destination)
    $data = Import-PowerShellDataFile $manifest
    $psData = $data.PrivateData.PSData
    $tags = @($psData.Tags) + 'PSModule' + ($data.CmdletsToExport | ForEach-Object { "PSCmdlet_$_"; "PSCommand_$_" })
    $staging = Join-Path ([IO.Path]::GetTempPath()) "satools-nupkg-$([guid]::NewGuid())"
    Copy-Item -Recurse -Path $moduleDir -Destination $staging
    $nuspec = @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>SaTools</id>
    <version>$Version</version>
    <authors>$([Security.SecurityElement]::Escape($data.Author))</authors>
    <owners>$([Security.SecurityElement]::Escape($data.CompanyName))</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <licenseUrl>$($psData.LicenseUri)</licenseUrl>
    <projectUrl>$($psData.ProjectUri)</projectUrl>
    <description>$([Security.SecurityElement]::Escape($data.Description))</description>
    <releaseNotes>$([Security.SecurityElement]::Escape($psData.ReleaseNotes))</releaseNotes>
    <copyright>$([Security.SecurityElement]::Escape($data.Copyright))</copyright>
    <tags>$($tags -join ' ')</tags>
  </metadata>
</package>
"@
    Set-Content -Path (Join-Path $staging 'SaTools.nuspec') -Value $nuspec -Encoding utf8NoBOM
    # The OPC content-types part every .nupkg carries (NuGet's PackageBuilder writes the same): one Default per
    # extension in the package, since an OPC reader refuses a part whose extension has no content type.
    $extensions = Get-ChildItem -Path $staging -Recurse -File | ForEach-Object { $_.Extension.TrimStart('.').ToLowerInvariant() } |
        Where-Object { $_ } | Sort-Object -Unique
    $types = '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        (($extensions | ForEach-Object { "<Default Extension=`"$_`" ContentType=`"application/octet`" />" }) -join '') +
        '</Types>'
    Set-Content -LiteralPath (Join-Path $staging '[Content_Types].xml') -Value $types -Encoding utf8NoBOM
    $target = Join-Path $Destination "SaTools.$Version.nupkg"
    Remove-Item -LiteralPath $target -ErrorAction SilentlyContinue
    # ZipFile, not Compress-Archive: the latter reads '[Content_Types].xml' as a wildcard pattern.
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [System.IO.Compression.ZipFile]::CreateFromDirectory($staging, $target)
    Remove-Item -Recurse -Force $staging
}

function Invoke-Demo {
    Invoke-Build
    $work = Join-Path ([IO.Path]::GetTempPath()) "satools-demo-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $work | Out-Null
    $kubeconfig = Join-Path $work 'kubeconfig'
    # The sandbox's standalone host writes the kubeconfig (CA + admin token) once it listens, then serves until stopped.
    # Run the built host directly (not `dotnet run`, whose child process Stop-Process would leave behind).
    Invoke-Native dotnet @('build', (Join-Path $root 'tests/KubeSandbox/KubeSandbox.csproj'), '-c', $Configuration, '-v', 'q')
    $sandboxDll = Join-Path $root "tests/KubeSandbox/bin/$Configuration/net10.0/KubeSandbox.dll"
    $sandbox = Start-Process -FilePath dotnet -PassThru -NoNewWindow -ArgumentList @(
        $sandboxDll, '--scenario', 'demo', '--kubeconfig', $kubeconfig)
    try {
        $deadline = [DateTime]::UtcNow.AddMinutes(3)
        while (-not (Test-Path $kubeconfig)) {
            if ($sandbox.HasExited) { throw "The sandbox exited with code $($sandbox.ExitCode)" }
            if ([DateTime]::UtcNow -gt $deadline) { throw 'The sandbox did not start within 3 minutes' }
            Start-Sleep -Milliseconds 200
        }
        $env:KUBECONFIG = $kubeconfig
        Import-Module $manifest -Force
        $readme = Get-Content -Raw (Join-Path $root 'README.md')
        $blocks = [regex]::Matches($readme, '(?ms)^```powershell\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value }
        # The runbook needs Azure; lines that need a file only a real cluster or pod has (an export for -InputFile,
        # a mounted token) are left out of the run.
        $runnable = $blocks | Where-Object { $_ -notmatch 'Install-Module|Get-AzKeyVaultSecret|Get-AutomationVariable|build\.ps1' } |
            ForEach-Object { (($_ -split '\r?\n') | Where-Object { $_ -notmatch '-InputFile|/var/run/secrets' }) -join "`n" }
        $failed = 0
        Push-Location $work
        try {
            foreach ($block in $runnable) {
                Write-Host "PS> $($block.Trim())" -ForegroundColor Cyan
                # One failing example is reported and the others still run; the task fails at the end.
                try { . ([scriptblock]::Create($block)) | Out-Host }
                catch { Write-Warning "The example failed: $_"; $failed++ }
            }
        }
        finally { Pop-Location }
        if ($failed -gt 0) { throw "$failed README example(s) failed against the sandbox" }
    }
    finally {
        if (-not $sandbox.HasExited) { Stop-Process -Id $sandbox.Id }
        Remove-Item Env:KUBECONFIG -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    }
}

function Invoke-Bench {
    Invoke-Build
    Invoke-Native dotnet (@('run', '--project', (Join-Path $root 'tests/SaTools.Benchmarks'), '-c', 'Release', '--') + $BenchArguments)
}

foreach ($t in $Task) {
    Write-Host "== $t" -ForegroundColor Green
    & "Invoke-$t"
}
