#!/usr/bin/env -S sh -c 'cd "$(dirname "$0")" && dotnet tool restore >/dev/null && exec dotnet pwsh -NoProfile -File "./$(basename "$0")" "$@"'
#Requires -Version 7.4
<#
.SYNOPSIS
    Task runner for SaTools: a thin layer over `dotnet build`, which alone assembles the module in out/SaTools/.
.DESCRIPTION
    From bash the first line (sh, through env -S) restores the pinned pwsh (.config/dotnet-tools.json) and runs
    this script in it, so a machine with only the .NET SDK needs no other install. From pwsh: ./build.ps1.

    Tasks:
      Build    dotnet build; the importable module lands in out/SaTools/.
      Docs     compiles the PlatyPS Markdown in docs/ into en-US/ (SaTools.dll-Help.xml, about_SaTools.help.txt);
               a cmdlet without a page gets one from New-MarkdownCommandHelp, to be filled in.
      Test     everything CI runs: the xunit suites, the Pester suites (tests/pester) in the pinned pwsh,
               PSScriptAnalyzer over every script, Test-ModuleManifest; ends with "N passed, N failed".
      Pester   the Pester suites only. Analyze: PSScriptAnalyzer only.
      Package  out/packages/SaTools.<version>.nupkg (Compress-PSResource), which Install-PSResource accepts.
      Demo     starts the sandbox with the demo scenario, imports the built module, runs README's examples (the
               hardening runbook among them), shows their output, stops the sandbox.
      Bench    the benchmark project (tests/SaTools.Benchmarks); -BenchArguments passes options (--quick).

    PSScriptAnalyzer and PlatyPS are looked up on PSModulePath, then in ../shared/psmodules beside the clone.
.EXAMPLE
    ./build.ps1 -Task Demo
.EXAMPLE
    ./build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Package -Configuration Release
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '',
    Justification = 'Configuration, BenchArguments, ResultFile and HelpDestination are read by the task functions below, which the rule does not follow')]
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Docs', 'Test', 'Pester', 'Analyze', 'Package', 'Demo', 'Bench')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Passed to the benchmark (Bench task), e.g. -BenchArguments --quick
    [string[]] $BenchArguments = @(),

    # Pester and Analyze write their counts here as JSON ({"Passed":n,"Failed":n}); the Test task reads them.
    [string] $ResultFile,

    # Docs compiles into this folder instead of en-US/ (the help test compares the two).
    [string] $HelpDestination
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/SaTools'
$manifest = Join-Path $moduleDir 'SaTools.psd1'
$docs = Join-Path $root 'docs'
$helpDir = Join-Path $root 'en-US'

function Write-Step([string] $Text) {
    Write-Information $Text -InformationAction Continue
}

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function New-WorkDirectory {
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '',
        Justification = 'Makes an empty folder of its own under the temp path, removed by the caller')]
    param([string] $Name)
    $path = Join-Path ([IO.Path]::GetTempPath()) "satools-$Name-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $path | Out-Null
    $path
}

# PSScriptAnalyzer and PlatyPS are on no package feed this build can use (../shared/psmodules/README.md):
# PSModulePath first, else ../shared/psmodules beside the clone.
function Import-SharedModule([string] $Name) {
    if (-not (Get-Module -ListAvailable -Name $Name)) {
        $shared = Join-Path (Split-Path $root) 'shared/psmodules'
        if (-not (Test-Path (Join-Path $shared $Name))) {
            throw "$Name is not on PSModulePath and ../shared/psmodules is not beside the clone"
        }
        $env:PSModulePath = $shared + [IO.Path]::PathSeparator + $env:PSModulePath
    }
    Import-Module $Name -Force
}

# Runs a task of this script in the pinned pwsh (.config/dotnet-tools.json), whatever pwsh runs this one:
# PSScriptAnalyzer needs 7.6, and the Pester suites import the module into a process of their own.
function Invoke-ChildTask([string] $Name, [string] $Work) {
    $result = Join-Path $Work "$Name.json"
    Push-Location $root
    try {
        & dotnet pwsh -NoProfile -File (Join-Path $root 'build.ps1') -Task $Name -Configuration $Configuration -ResultFile $result | Out-Host
    }
    finally { Pop-Location }
    if (Test-Path $result) { return Get-Content -Raw $result | ConvertFrom-Json }
    [pscustomobject]@{ Passed = 0; Failed = 1 } # the child died before counting: one failure, its output says why
}

function Write-Result([int] $Passed, [int] $Failed) {
    if ($ResultFile) { @{ Passed = $Passed; Failed = $Failed } | ConvertTo-Json | Set-Content -Path $ResultFile }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'src/SaTools/SaTools.csproj'), '-c', $Configuration)
    Write-Step "Module assembled in $moduleDir"
}

# ---- Docs -----------------------------------------------------------------------------------------------------

# PlatyPS 1.0 puts an example's whole Markdown (the code fence and the text) into maml:introduction, with U+0080
# paragraphs for blank lines, and leaves dev:code empty (PowerShell/platyPS issues 792 and 799, closed "by design"):
# Get-Help would print the fences and (Get-Help X).examples.example.code would be empty. This moves the fenced code
# into dev:code and the text after it into dev:remarks, where PowerShell's help view expects them.
function Repair-MamlExample([string] $Path) {
    $doc = [xml]::new()
    $doc.Load($Path)
    $ns = [System.Xml.XmlNamespaceManager]::new($doc.NameTable)
    $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
    $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
    $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
    $blank = [string][char]0x80
    foreach ($example in $doc.SelectNodes('//command:example', $ns)) {
        $intro = $example.SelectSingleNode('maml:introduction', $ns)
        $text = (@($intro.SelectNodes('maml:para', $ns)) | ForEach-Object { $_.InnerText.Replace($blank, '') }) -join "`n"
        $match = [regex]::Match($text, '(?s)^\s*```[^\n]*\n(.*?)\n```\s*(.*)$')
        if (-not $match.Success) { throw "$Path`: an example of $($example.ParentNode.ParentNode.details.name) has no code block" }
        $intro.RemoveAll()
        $example.SelectSingleNode('dev:code', $ns).InnerText = $match.Groups[1].Value
        $remarks = $example.SelectSingleNode('dev:remarks', $ns)
        $remarks.RemoveAll()
        foreach ($paragraph in $match.Groups[2].Value -split '\n\s*\n' | Where-Object { $_.Trim() }) {
            $para = $doc.CreateElement('maml', 'para', 'http://schemas.microsoft.com/maml/2004/10')
            $para.InnerText = $paragraph.Trim()
            $remarks.AppendChild($para) | Out-Null
        }
    }
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try { $doc.Save($writer) } finally { $writer.Dispose() }
}

# about_SaTools.md (headings, paragraphs, fenced blocks, a list) as the plain-text about_ topic Get-Help shows:
# "# about_X" is the TOPIC, "##" a section, "###" a subsection, text wrapped at 80 columns under 4 spaces.
function ConvertTo-AboutText([string] $Markdown) {
    $out = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    foreach ($line in $Markdown -split '\r?\n') {
        if ($line -match '^```') { $inFence = -not $inFence; continue }
        if ($inFence) { $out.Add(("    $line").TrimEnd()); continue }
        if ($line -match '^# (.+)$') { $out.Add('TOPIC'); $out.Add("    $($Matches[1])"); continue }
        if ($line -match '^## (.+)$') { $out.Add($Matches[1]); continue }
        if ($line -match '^### (.+)$') { $out.Add("  $($Matches[1])"); continue }
        if ($line -match '^- (.+)$') { $out.Add("    $($Matches[1])"); continue }
        if (-not $line.Trim()) {
            # A blank line separates paragraphs; a heading's text starts on the line under it.
            if ($out.Count -gt 0 -and $out[-1] -ne '' -and $out[-1] -notmatch '^(TOPIC|[A-Z][A-Z ,()]+|  [A-Z][A-Z ,()]+)$') { $out.Add('') }
            continue
        }
        $current = '   '
        foreach ($word in $line.Trim() -split '\s+') {
            if ($current.Length + 1 + $word.Length -gt 80) { $out.Add($current); $current = '   ' }
            $current += " $word"
        }
        $out.Add($current)
    }
    ($out -join "`n").TrimEnd() + "`n"
}

function Build-ModuleHelp {
    Import-SharedModule Microsoft.PowerShell.PlatyPS
    $pages = @(Get-ChildItem $docs -Recurse -Filter *.md | Measure-PlatyPSMarkdown | Where-Object Filetype -match 'CommandHelp')
    # A cmdlet without a page gets PlatyPS's skeleton: the help tests fail until its {{ placeholders }} are written.
    $described = $pages | ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_.FilePath) }
    $missing = (Import-PowerShellDataFile (Join-Path $root 'SaTools.psd1')).CmdletsToExport | Where-Object { $_ -notin $described }
    if ($missing) {
        Invoke-Build
        Import-Module $manifest -Force
        foreach ($name in $missing) {
            New-MarkdownCommandHelp -CommandInfo (Get-Command $name) -OutputFolder $docs | Out-Null
            Write-Warning "docs/SaTools/$name.md written from the cmdlet: write its descriptions and examples"
        }
        $pages = @(Get-ChildItem $docs -Recurse -Filter *.md | Measure-PlatyPSMarkdown | Where-Object Filetype -match 'CommandHelp')
    }
    $destination = if ($HelpDestination) { $HelpDestination } else { $helpDir }
    Export-Help -Pages $pages.FilePath -Destination $destination
    Write-Step "Help compiled from $docs into $destination"
}

# Compiles the Markdown pages and about_SaTools.md into MAML and the about topic in $Destination (en-US/, or a
# temporary folder when a test checks that the committed en-US/ is up to date).
function Export-Help([string[]] $Pages, [string] $Destination) {
    $work = New-WorkDirectory 'maml'
    try {
        $Pages | Import-MarkdownCommandHelp | Export-MamlCommandHelp -OutputFolder $work -Force | Out-Null
        $maml = Get-ChildItem $work -Recurse -Filter 'SaTools.dll-Help.xml' | Select-Object -First 1
        Repair-MamlExample $maml.FullName
        New-Item -ItemType Directory -Force -Path $Destination | Out-Null
        Copy-Item $maml.FullName (Join-Path $Destination 'SaTools.dll-Help.xml') -Force
        $about = ConvertTo-AboutText (Get-Content -Raw (Join-Path $docs 'about_SaTools.md'))
        Set-Content -Path (Join-Path $Destination 'about_SaTools.help.txt') -Value $about -NoNewline -Encoding utf8NoBOM
    }
    finally { Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue }
}

# ---- Test -----------------------------------------------------------------------------------------------------

function Invoke-Test {
    $work = New-WorkDirectory 'test'
    $suites = [System.Collections.Generic.List[object]]::new()
    try {
        # 1. xunit: the engine, the binding, the sandbox. Counted from the TRX each test project writes.
        $trx = Join-Path $work 'xunit'
        & dotnet test (Join-Path $root 'SaTools.sln') -c $Configuration --logger trx --results-directory $trx | Out-Host
        $exit = $LASTEXITCODE
        $passed = 0; $failed = 0
        foreach ($file in Get-ChildItem $trx -Filter *.trx -ErrorAction SilentlyContinue) {
            $counters = ([xml](Get-Content -Raw $file.FullName)).TestRun.ResultSummary.Counters
            $passed += [int]$counters.passed
            $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        }
        if ($exit -ne 0 -and $failed -eq 0) { $failed = 1 } # a build error or a crashed test host
        $suites.Add([pscustomobject]@{ Suite = 'xunit'; Passed = $passed; Failed = $failed })

        # 2. Pester and 3. PSScriptAnalyzer, each in the pinned pwsh. dotnet test built the sandbox (Release).
        if ($Configuration -eq 'Release') { $env:SATOOLS_SANDBOX_BUILT = '1' }
        foreach ($name in 'Pester', 'Analyze') {
            $r = Invoke-ChildTask $name $work
            $suites.Add([pscustomobject]@{ Suite = $name; Passed = [int]$r.Passed; Failed = [int]$r.Failed })
        }

        # 4. The assembled manifest.
        $ok = $null -ne (Test-ModuleManifest -Path $manifest -ErrorAction SilentlyContinue -ErrorVariable manifestErrors)
        if ($manifestErrors) { $ok = $false; $manifestErrors | ForEach-Object { Write-Warning "Test-ModuleManifest: $_" } }
        $suites.Add([pscustomobject]@{ Suite = 'Test-ModuleManifest'; Passed = [int]$ok; Failed = [int](-not $ok) })
    }
    finally { Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue }

    $suites | Format-Table -AutoSize | Out-Host
    $total = $suites | Measure-Object -Property Passed, Failed -Sum
    $passedAll = ($total | Where-Object Property -eq Passed).Sum
    $failedAll = ($total | Where-Object Property -eq Failed).Sum
    Write-Output "$passedAll passed, $failedAll failed"
    if ($failedAll -gt 0) { exit 1 }
}

function Invoke-PesterSuite {
    $pester = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/pester/5.7.1/tools/Pester.psd1'
    if ($env:NUGET_PACKAGES) { $pester = Join-Path $env:NUGET_PACKAGES 'pester/5.7.1/tools/Pester.psd1' }
    if (-not (Test-Path $pester)) {
        # Pester comes from NuGet (tests/pester/PesterPackage.csproj), not from the PowerShell Gallery.
        Invoke-Native dotnet @('restore', (Join-Path $root 'tests/pester/PesterPackage.csproj'))
    }
    Import-Module $pester -Force
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/pester'
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $result = Pester\Invoke-Pester -Configuration $config
    # A failed BeforeAll fails the tests of its block (FailedCount), a file that cannot run is a failed container.
    Write-Result -Passed $result.PassedCount -Failed ($result.FailedCount + $result.FailedContainersCount)
    if ($result.Result -ne 'Passed') { throw "Pester: $($result.FailedCount) test(s) failed" }
}

function Invoke-Analyze {
    Import-SharedModule PSScriptAnalyzer
    $skip = [regex]'[\\/](bin|obj|out|\.git)[\\/]'
    $scripts = Get-ChildItem $root -Recurse -File -Include *.ps1, *.psm1, *.psd1 | Where-Object { -not $skip.IsMatch($_.FullName) }
    $passed = 0; $failed = 0
    foreach ($script in $scripts) {
        $path = $script.FullName
        # The source manifest names SaTools.Format.ps1xml, which sits beside it only once assembled in out/SaTools/.
        if ($path -eq (Join-Path $root 'SaTools.psd1')) { $path = $manifest }
        $findings = @(Invoke-ScriptAnalyzer -Path $path)
        if ($findings.Count -eq 0) { $passed++; continue }
        $failed++
        $findings | ForEach-Object { Write-Warning "$($script.FullName):$($_.Line) $($_.RuleName): $($_.Message)" }
    }
    Write-Step "PSScriptAnalyzer: $($scripts.Count) scripts, $failed with findings"
    Write-Result -Passed $passed -Failed $failed
    if ($failed -gt 0) { throw "PSScriptAnalyzer: $failed script(s) with findings" }
}

# ---- Package, Demo, Bench -------------------------------------------------------------------------------------

function Invoke-Package {
    Invoke-Build
    $packages = Join-Path $root 'out/packages'
    New-Item -ItemType Directory -Force -Path $packages | Out-Null
    $version = (Import-PowerShellDataFile $manifest).ModuleVersion
    Remove-Item (Join-Path $packages "SaTools.$version.nupkg") -ErrorAction SilentlyContinue
    if (-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
        throw 'Compress-PSResource (PSResourceGet 1.1, pwsh 7.5 or later) is missing: run ./build.ps1 from bash, or `dotnet pwsh ./build.ps1`'
    }
    # The .nupkg (nuspec made from the manifest) that Install-PSResource and Install-Module read.
    Compress-PSResource -Path $moduleDir -DestinationPath $packages
    Write-Step "Package: $(Join-Path $packages "SaTools.$version.nupkg")"
}

function Invoke-Demo {
    Invoke-Build
    . (Join-Path $root 'tests/pester/TestEnvironment.ps1')
    . (Join-Path $root 'tests/pester/TestSandbox.ps1')
    $sandbox = Start-TestSandbox -Root $root -Scenario demo -Name demo
    try {
        $env:KUBECONFIG = $sandbox.Kubeconfig
        Import-Module $manifest -Force
        $runnable = @(Get-ReadmeExample)
        $failed = 0
        Push-Location $sandbox.Work
        try {
            foreach ($block in $runnable) {
                Write-Step "`nPS> $($block.Trim() -replace "`n", "`nPS> ")"
                # One failing example is reported and the others still run; the task fails at the end.
                try { . ([scriptblock]::Create($block)) | Out-Host }
                catch { Write-Warning "The example failed: $_"; $failed++ }
            }
        }
        finally { Pop-Location }
        if ($failed -gt 0) { throw "$failed README example(s) failed against the sandbox" }
        Write-Step "`nAll $(@($runnable).Count) README examples ran against the demo sandbox."
    }
    finally {
        Remove-Item Env:KUBECONFIG -ErrorAction SilentlyContinue
        Stop-TestSandbox $sandbox
    }
}

function Invoke-Bench {
    Invoke-Build
    Invoke-Native dotnet (@('run', '--project', (Join-Path $root 'tests/SaTools.Benchmarks'), '-c', 'Release', '--') + $BenchArguments)
}

foreach ($t in $Task) {
    Write-Step "== $t"
    switch ($t) {
        'Build' { Invoke-Build }
        'Docs' { Build-ModuleHelp }
        'Test' { Invoke-Test }
        'Pester' { Invoke-PesterSuite }
        'Analyze' { Invoke-Analyze }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
    }
}
