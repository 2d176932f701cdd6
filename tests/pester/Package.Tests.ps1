#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# ./build.ps1 -Task Package makes a .nupkg that Install-PSResource (PSResourceGet) installs from a local folder
# repository, as a user would from a file share; the installed module imports and runs against the sandbox. The
# install runs in a pwsh whose HOME is a temporary folder, so no repository registration or installed module leaks
# into the real profile.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    $script:testSandbox = Start-TestSandbox -Root $RepoRoot -Scenario bootstrap -Name package
    $script:work = $testSandbox.Work

    & (Get-TestPwsh) -NoProfile -File (Join-Path $RepoRoot 'build.ps1') -Task Package | Out-Host
    $script:packageExit = $LASTEXITCODE
    $version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'SaTools.psd1')).ModuleVersion
    $script:package = Join-Path $RepoRoot "out/packages/SaTools.$version.nupkg"

    $script:feed = Join-Path $work 'feed'
    $script:tempHome = Join-Path $work 'home'
    New-Item -ItemType Directory -Path $feed, $tempHome | Out-Null
    if (Test-Path $package) { Copy-Item $package $feed }

    # A pwsh with HOME in the temp folder and no inherited module path: Install-PSResource -Scope CurrentUser and
    # the repository store (under ~/.local/share) land there.
    $start = [System.Diagnostics.ProcessStartInfo]::new((Get-TestPwsh))
    $installFile = Join-Path $work 'install.ps1'
    foreach ($a in '-NoProfile', '-NonInteractive', '-File', $installFile) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $start.Environment['HOME'] = $tempHome
    $start.Environment['USERPROFILE'] = $tempHome
    foreach ($name in 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') { $null = $start.Environment.Remove($name) }
    Set-Content -Path $installFile -Value @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Register-PSResourceRepository -Name satools-local -Uri '$feed' -Trusted
Install-PSResource -Name SaTools -Repository satools-local -Scope CurrentUser -TrustRepository -Quiet
`$module = Import-Module SaTools -PassThru
[pscustomobject]@{
    ModuleBase = `$module.ModuleBase
    Version = `$module.Version.ToString()
    Commands = @(Get-Command -Module SaTools | ForEach-Object Name)
    ServiceAccounts = @(Get-K8sServiceAccount -AllNamespaces -Kubeconfig '$($testSandbox.Kubeconfig)').Count
    Repositories = @(Get-PSResourceRepository | ForEach-Object Name)
} | ConvertTo-Json -Compress
"@
    $process = [System.Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $script:stderr = $process.StandardError.ReadToEnd()
    $process.WaitForExit()
    $script:installExit = $process.ExitCode
    $script:installed = $stdout.Result -split '\r?\n' | Where-Object { $_ -like '{*' } | Select-Object -Last 1 | ConvertFrom-Json
}

AfterAll {
    Stop-TestSandbox $testSandbox
}

Describe 'Package' {
    It 'build.ps1 -Task Package makes out/packages/SaTools.<version>.nupkg' {
        $packageExit | Should -Be 0
        $package | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($package)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        $entries | Should -Contain 'SaTools.nuspec'
        $entries | Should -Contain 'SaTools.psd1'
        $entries | Should -Contain 'SaTools.dll'
        $entries | Should -Contain 'en-US/SaTools.dll-Help.xml'
        $entries | Where-Object { $_ -like 'Dependencies/SaTools.Engine.dll' } | Should -Not -BeNullOrEmpty
    }

    It 'Install-PSResource installs it from a local folder repository into the throwaway HOME' {
        $installExit | Should -Be 0 -Because $stderr
        $installed.ModuleBase | Should -BeLike "$tempHome*"
        $installed.Repositories | Should -Contain 'satools-local'
    }

    It 'the installed module imports with every cmdlet and runs against the sandbox' {
        $exported = (Import-PowerShellDataFile (Join-Path $RepoRoot 'SaTools.psd1')).CmdletsToExport
        @($installed.Commands | Sort-Object) | Should -Be @($exported | Sort-Object)
        $installed.ServiceAccounts | Should -BeGreaterThan 0
    }

    It 'leaves the real profile alone' {
        $store = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet/PSResourceRepository.xml'
        if (Test-Path $store) { Get-Content -Raw $store | Should -Not -Match 'satools-local' }
        Get-InstalledPSResource -Name SaTools -ErrorAction SilentlyContinue | Where-Object InstalledLocation -notlike "$tempHome*" | Should -BeNullOrEmpty
    }
}
