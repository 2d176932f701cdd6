#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Help as a user reads it: the PlatyPS Markdown in docs/ is the source (a page per exported cmdlet, every parameter
# described, at least two examples), en-US/ is what build.ps1 -Task Docs compiles from it (committed, so that
# `dotnet build` alone gives a module with help), and Get-Help in a real host shows it without Markdown debris.

BeforeDiscovery {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'out/SaTools/SaTools.psd1') -Force
    # Every exported cmdlet, those added later included: a new cmdlet without a page fails here.
    $script:cmdlets = @(Get-Command -Module SaTools | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    Import-Module $ModuleManifest -Force
    Add-SharedModulePath
    Import-Module Microsoft.PowerShell.PlatyPS -Force
    $script:pages = @{}
    foreach ($page in Get-ChildItem (Join-Path $RepoRoot 'docs') -Recurse -Filter *.md | Measure-PlatyPSMarkdown |
            Where-Object Filetype -match 'CommandHelp') {
        $help = Import-MarkdownCommandHelp -Path $page.FilePath
        $script:pages[$help.Title] = @{ Help = $help; Text = Get-Content -Raw $page.FilePath }
    }
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'The Markdown help of <Name>' -ForEach $cmdlets {
    It 'has a page in docs/' {
        $pages[$Name] | Should -Not -BeNullOrEmpty -Because "docs/SaTools/$Name.md is its help (build.ps1 -Task Docs makes the skeleton)"
    }

    It 'has no PlatyPS placeholder left' {
        $pages[$Name].Text | Should -Not -Match '\{\{.*\}\}'
    }

    It 'has a synopsis and a description' {
        $pages[$Name].Help.Synopsis | Should -Not -BeNullOrEmpty
        $pages[$Name].Help.Description | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        $described = @{}
        foreach ($p in $pages[$Name].Help.Parameters) { $described[$p.Name] = "$($p.Description)".Trim() }
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $described[$parameter] | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
    }

    It 'has at least two examples, each with a PowerShell code block and an explanation' {
        $pages[$Name].Help.Examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $pages[$Name].Help.Examples) {
            $example.Remarks | Should -Match '(?s)^\s*```powershell\r?\n.+?\r?\n```\s*\S' -Because "example '$($example.Title)' needs code and text"
        }
    }

    It 'reads well in Get-Help -Full at 80 columns' {
        $text = Get-Help $Name -Full | Out-String -Width 80
        $text | Should -Match 'EXAMPLES|Example 1'
        $text | Should -Not -Match '```'
        $text | Should -Not -Match ([regex]::Escape([string][char]0x80))
        @((Get-Help $Name).examples.example | Where-Object { "$($_.code)".Trim() }).Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Compiled help' {
    It 'en-US/ is what build.ps1 -Task Docs makes from docs/' {
        $out = Join-Path ([IO.Path]::GetTempPath()) "satools-help-$([guid]::NewGuid().ToString('N'))"
        try {
            & (Get-TestPwsh) -NoProfile -File (Join-Path $RepoRoot 'build.ps1') -Task Docs -HelpDestination $out | Out-Null
            $LASTEXITCODE | Should -Be 0
            foreach ($file in 'SaTools.dll-Help.xml', 'about_SaTools.help.txt') {
                $fresh = Get-Content -Raw (Join-Path $out $file)
                $committed = Get-Content -Raw (Join-Path $RepoRoot "en-US/$file")
                $fresh | Should -BeExactly $committed -Because "en-US/$file must be rebuilt with ./build.ps1 -Task Docs after a change in docs/"
            }
        }
        finally { Remove-Item -Recurse -Force $out -ErrorAction SilentlyContinue }
    }

    It 'about_SaTools covers connecting, objects, errors and runbooks' {
        $text = Get-Help about_SaTools | Out-String -Width 80
        foreach ($topic in 'CONNECTING', 'OBJECTS', 'ERRORS', 'RUNBOOKS', 'KUBECONFIG', '-SkipTlsVerification') {
            $text | Should -Match ([regex]::Escape($topic))
        }
    }
}
