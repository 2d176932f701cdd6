# Shared by the Pester suites (dot-source it in BeforeAll): where the repository, the built module and the pinned
# pwsh are, and ../shared/psmodules (PSScriptAnalyzer, PlatyPS) on PSModulePath.

$script:RepoRoot = Split-Path (Split-Path $PSScriptRoot)
$script:ModuleManifest = Join-Path $script:RepoRoot 'out/SaTools/SaTools.psd1'

# The pwsh running these tests, as a path a child process can start: the apphost beside pwsh.dll in the .NET tool
# package (or an installed pwsh), so a child with another HOME needs neither `dotnet pwsh` nor the NuGet folder.
function Get-TestPwsh {
    Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
}

# PlatyPS and PSScriptAnalyzer are in ../shared/psmodules beside the clone (its README.md).
function Add-SharedModulePath {
    $shared = Join-Path (Split-Path $script:RepoRoot) 'shared/psmodules'
    if ((Test-Path $shared) -and ($env:PSModulePath -split [IO.Path]::PathSeparator) -notcontains $shared) {
        $env:PSModulePath = $shared + [IO.Path]::PathSeparator + $env:PSModulePath
    }
}

# README's PowerShell examples as they can run against the demo sandbox (Readme.Tests.ps1 and build.ps1 -Task Demo):
# the runbook block needs Azure, and lines that need a file only a real cluster or pod has (an export for
# -InputFile, a mounted token) are left out.
function Get-ReadmeExample {
    $readme = Get-Content -Raw (Join-Path $script:RepoRoot 'README.md')
    [regex]::Matches($readme, '(?ms)^```powershell\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value } |
        Where-Object { $_ -notmatch 'Install-Module|Get-AzKeyVaultSecret|Get-AutomationVariable|build\.ps1' } |
        ForEach-Object { (($_ -split '\r?\n') | Where-Object { $_ -notmatch '-InputFile|/var/run/secrets' }) -join "`n" }
}
