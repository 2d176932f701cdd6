#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Every exported cmdlet, those added later included, has an end-to-end Pester block: a Describe named after it
# (or starting with its name) in one of these files, where it runs against a sandbox in a real pwsh.

BeforeDiscovery {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'out/SaTools/SaTools.psd1') -Force
    $script:cmdlets = @(Get-Command -Module SaTools | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    # The names of every Describe block of the suites, read from their syntax trees.
    $script:describes = foreach ($file in Get-ChildItem $PSScriptRoot -Filter *.Tests.ps1) {
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
        $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] -and $a.GetCommandName() -eq 'Describe' }, $true) |
            ForEach-Object { $_.CommandElements[1] } |
            Where-Object { $_ -is [System.Management.Automation.Language.StringConstantExpressionAst] } |
            ForEach-Object { @{ Name = $_.Value; File = $file.Name } }
    }
}

Describe 'Pester coverage of <Name>' -ForEach $cmdlets {
    It 'has a Describe block of its own' {
        $mine = @($describes | Where-Object { $_.Name -eq $Name -or $_.Name -like "$Name *" })
        $mine | Should -Not -BeNullOrEmpty -Because "tests/pester needs Describe '$Name' running it against a sandbox"
    }
}
