#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# README as a new user follows it: two set-up commands, the test command CI runs, and every PowerShell example
# running in a real pwsh against the demo sandbox (real Export-Csv, Format-Table, Select-Object).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $script:examples = @(Get-ReadmeExample | ForEach-Object { @{ Example = $_; Title = ($_ -split '\r?\n' | Where-Object { $_ -and $_ -notmatch '^\s*#' } | Select-Object -First 1).Trim() } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    $script:readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
    # The fenced blocks of one '## ' section of README.md.
    function Get-SectionCommand([string] $Heading) {
        $section = [regex]::Match($readme, '(?ms)^## ' + [regex]::Escape($Heading) + '\s*$(.*?)(?=^## |\z)').Groups[1].Value
        [regex]::Matches($section, '(?ms)^```\w*\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value -split '\r?\n' } |
            Where-Object { $_.Trim() -and $_ -notmatch '^\s*#' } | ForEach-Object { ($_ -replace '\s+#.*$', '').Trim() }
    }
}

Describe 'README' {
    It 'sets up in two commands: the demo and every test' {
        $commands = @(Get-SectionCommand 'Quick start')
        $commands | Should -Be @('./build.ps1 -Task Demo', './build.ps1 -Task Test')
    }

    It 'gives the test command that .ci/run runs' {
        $test = @(Get-SectionCommand 'Test')[0]
        $test | Should -Be './build.ps1 -Task Test'
        $ci = Get-Content (Join-Path $RepoRoot '.ci/run') | ForEach-Object Trim
        @($ci | Where-Object { $_ -like '*build.ps1 -Task Test*' }).Count | Should -Be 1
        $ci | Where-Object { $_ -like '*build.ps1 -Task Test*' } | Should -Match ([regex]::Escape($test))
    }

    It 'uses only commands and parameters the module has' {
        Import-Module $ModuleManifest -Force
        $problems = foreach ($block in [regex]::Matches($readme, '(?ms)^```powershell\r?\n(.*?)^```')) {
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($block.Groups[1].Value, [ref]$null, [ref]$errors)
            $errors | ForEach-Object { "parse error: $($_.Message)" }
            foreach ($command in $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $name = $command.GetCommandName()
                if ($name -notmatch '^[A-Za-z]+-K8s') { continue }
                $info = Get-Command $name -Module SaTools -ErrorAction SilentlyContinue
                if (-not $info) { "$name is not exported"; continue }
                $known = $info.Parameters.Values | ForEach-Object { $_.Name; $_.Aliases }
                $command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } |
                    Where-Object ParameterName -notin $known | ForEach-Object { "$name has no -$($_.ParameterName)" }
            }
        }
        $problems | Should -BeNullOrEmpty
    }
}

Describe 'README examples against the demo sandbox' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
        Import-Module $ModuleManifest -Force
        $script:testSandbox = Start-TestSandbox -Root $RepoRoot -Scenario demo -Name readme
        $script:previousKubeconfig = $env:KUBECONFIG
        $env:KUBECONFIG = $testSandbox.Kubeconfig
        Push-Location $testSandbox.Work
    }

    AfterAll {
        Pop-Location
        $env:KUBECONFIG = $previousKubeconfig
        Stop-TestSandbox $testSandbox
    }

    It 'runs: <Title>' -ForEach $examples {
        $ErrorActionPreference = 'Stop'
        # -WhatIf lines print to the host; everything else is rendered as a shell would at 120 columns.
        $text = . ([scriptblock]::Create($Example)) 6>$null | Out-String -Width 120
        if ($Example -notmatch 'Connect-K8sCluster|Export-Csv|-WhatIf') { $text.Trim() | Should -Not -BeNullOrEmpty }
        $text | Should -Not -Match 'SaTools\.Output\.|System\.String\[\]'
    }
}
