#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5 suite for Invoke-K8sServiceAccountAudit and Export-K8sAuditReport as a person or a scheduler sees them:
# the nightly runbook run with `pwsh -File` (exit status with and without -FailOn), the CSV and JSON round trips,
# -Baseline marking New and Resolved after the cluster changed, the table view, and -WhatIf/-Force on the report.
# Run: ./build.ps1 -Task Test   (or Invoke-Pester tests/pester after ./build.ps1)

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    $script:manifest = Join-Path $root 'out/SaTools/SaTools.psd1'
    Import-Module $script:manifest -Force

    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    $script:testSandbox = Start-TestSandbox -Root $root -Scenario audit -Name audit
    $script:work = $script:testSandbox.Work
    $script:kubeconfig = $script:testSandbox.Kubeconfig
    $PSDefaultParameterValues['*-K8s*:Kubeconfig'] = $script:kubeconfig

    # The runbook of the help and README, as a file the scheduler runs.
    $script:runbook = Join-Path $script:work 'nightly-audit.ps1'
    Set-Content -Path $script:runbook -Value @'
param([string] $Manifest, [string] $Kubeconfig, [string] $OutDir, [string] $FailOn)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$csv = Join-Path $OutDir 'sa-audit.csv'
$html = Join-Path $OutDir 'sa-audit.html'
$audit = @{ AllNamespaces = $true; Kubeconfig = $Kubeconfig }
if ($FailOn) { $audit.FailOn = $FailOn }
$findings = [System.Collections.Generic.List[object]]::new()
try {
    Invoke-K8sServiceAccountAudit @audit | ForEach-Object { $findings.Add($_) }
}
finally {
    $findings | Export-Csv -Path $csv -NoTypeInformation
    $findings | Export-K8sAuditReport -Path $html -Force
}
'@
    $script:pwsh = (Get-Process -Id $PID).Path
    function Invoke-Runbook([string] $OutDir, [string] $FailOn) {
        New-Item -ItemType Directory -Path $OutDir -Force | Out-Null
        $arguments = @('-NoProfile', '-File', $script:runbook, '-Manifest', $script:manifest, '-Kubeconfig', $script:kubeconfig, '-OutDir', $OutDir)
        if ($FailOn) { $arguments += @('-FailOn', $FailOn) }
        # The test host may be `dotnet pwsh` (a dotnet muxer process): run the same pwsh the way it was started.
        if ((Split-Path $script:pwsh -Leaf) -like 'dotnet*') { $arguments = @('pwsh') + $arguments }
        $null = & $script:pwsh @arguments 2>&1
        $LASTEXITCODE
    }
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-K8s*:Kubeconfig')
    Stop-TestSandbox $script:testSandbox
}

Describe 'Invoke-K8sServiceAccountAudit' {
    Context 'The nightly runbook under pwsh -File' {
        It 'exits 1 with -FailOn High, after writing the whole CSV and the report' {
            $out = Join-Path $script:work 'fail'
            Invoke-Runbook -OutDir $out -FailOn High | Should -Be 1
            $rows = Import-Csv (Join-Path $out 'sa-audit.csv')
            $live = Invoke-K8sServiceAccountAudit -AllNamespaces
            $rows.Count | Should -Be $live.Count
            (Get-Content -Raw (Join-Path $out 'sa-audit.html')) | Should -Match 'Summary by check'
        }

        It 'exits 0 without -FailOn, and with a threshold nothing reaches' {
            Invoke-Runbook -OutDir (Join-Path $script:work 'nofail') | Should -Be 0
            # Nothing outside audit-risky is Critical, and nothing in audit-cloud is Critical either.
            Invoke-Runbook -OutDir (Join-Path $script:work 'critical') -FailOn Critical | Should -Be 1
            & $script:pwsh @(if ((Split-Path $script:pwsh -Leaf) -like 'dotnet*') { 'pwsh' }) -NoProfile -Command "Import-Module '$script:manifest'; Invoke-K8sServiceAccountAudit -Namespace audit-cloud -Kubeconfig '$script:kubeconfig' -Check SA09 -FailOn Critical | Out-Null; exit 0" 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 0
        }

        It 'stops a script at -FailOn with a specific error id' {
            { Invoke-K8sServiceAccountAudit -Namespace audit-risky -FailOn High } |
                Should -Throw -ErrorId 'InvokeK8sServiceAccountAuditFailOnThreshold,SaTools.Commands.InvokeK8sServiceAccountAuditCommand'
        }
    }

    Context 'CSV and JSON round trips' {
        It 'reads back from Export-Csv with every column and the same findings' {
            $csv = Join-Path $script:work 'roundtrip.csv'
            $findings = Invoke-K8sServiceAccountAudit -Namespace 'audit-*'
            $findings | Export-Csv -Path $csv -NoTypeInformation
            $rows = Import-Csv $csv
            $rows.Count | Should -Be $findings.Count
            $columns = $rows[0].PSObject.Properties.Name
            foreach ($c in 'CheckId', 'Title', 'Severity', 'Kind', 'Namespace', 'Name', 'ServiceAccount', 'Message', 'Remediation', 'WorkloadKind', 'WorkloadName', 'Evaluated', 'Context', 'Change') {
                $columns | Should -Contain $c
            }
            ($rows | ForEach-Object { "$($_.CheckId)|$($_.Namespace)|$($_.Name)|$($_.Severity)" } | Sort-Object) |
                Should -Be ($findings | ForEach-Object { "$($_.CheckId)|$($_.Namespace)|$($_.Name)|$($_.Severity)" } | Sort-Object)
            ($rows | Where-Object { $_.CheckId -eq 'SA02' -and $_.Name -like 'landing-*' }).WorkloadKind | Should -Be 'Deployment'
        }

    }

    Context '-Baseline' {
        It 'marks New, Unchanged and Resolved from a CSV baseline and from a JSON one' {
            $csv = Join-Path $script:work 'baseline.csv'
            $json = Join-Path $script:work 'baseline.json'
            $before = Invoke-K8sServiceAccountAudit -Namespace 'audit-*'
            $before | Export-Csv -Path $csv -NoTypeInformation
            $before | ConvertTo-Json -Depth 3 | Set-Content -Path $json

            # Fix one finding (SA01 audit-apps) and make a new one (SA11: a binding to a ServiceAccount that does not exist).
            Set-K8sServiceAccountAutomount -Namespace audit-apps -Name default -Value $false -Confirm:$false | Out-Null
            # (kubectl create -f sends the manifest as JSON; `kubectl create rolebinding` sends protobuf, which the sandbox
            # does not read, and client-side validation needs the OpenAPI v2 document, which the sandbox does not serve.)
            $manifest = Join-Path $script:work 'new-ghost.json'
            @{ apiVersion = 'rbac.authorization.k8s.io/v1'; kind = 'RoleBinding'; metadata = @{ name = 'audit-new-ghost'; namespace = 'audit-rbac' }
               roleRef = @{ apiGroup = 'rbac.authorization.k8s.io'; kind = 'ClusterRole'; name = 'view' }
               subjects = @(@{ kind = 'ServiceAccount'; name = 'wraith'; namespace = 'audit-rbac' }) } | ConvertTo-Json -Depth 5 | Set-Content $manifest
            & kubectl --kubeconfig $script:kubeconfig create --validate=false -f $manifest | Out-Null
            $LASTEXITCODE | Should -Be 0

            foreach ($file in $csv, $json) {
                $after = Invoke-K8sServiceAccountAudit -Namespace 'audit-*' -Baseline $file
                $resolved = @($after | Where-Object Change -eq 'Resolved')
                $new = @($after | Where-Object Change -eq 'New')
                $resolved.Count | Should -Be 1
                $resolved[0].CheckId | Should -Be 'SA01'
                $resolved[0].Namespace | Should -Be 'audit-apps'
                $new.Count | Should -Be 1
                $new[0].CheckId | Should -Be 'SA11'
                $new[0].Name | Should -Be 'audit-new-ghost'
                @($after | Where-Object Change -eq 'Unchanged').Count | Should -Be ($before.Count - 1)
            }

            # The report of a run with a baseline has the changes section.
            $html = Join-Path $script:work 'changes.html'
            Invoke-K8sServiceAccountAudit -Namespace 'audit-*' -Baseline $csv | Export-K8sAuditReport -Path $html
            $text = Get-Content -Raw $html
            $text | Should -Match 'Changes since the baseline'
            $text | Should -Match 'New \(1\)'
            $text | Should -Match 'Resolved \(1\)'
        }
    }

    Context 'What a person sees' {
        It 'shows the table view with the columns an operator scans' {
            $table = Invoke-K8sServiceAccountAudit -Namespace audit-cloud | Format-Table | Out-String -Width 250
            $table | Should -Match 'Check\s+Severity\s+Kind\s+Namespace\s+Name\s+ServiceAccount\s+Change\s+Message'
            $table | Should -Match 'SA09\s+High\s+Secret\s+audit-cloud\s+aws-creds'
        }

        It 'has help with examples for both cmdlets' {
            foreach ($name in 'Invoke-K8sServiceAccountAudit', 'Export-K8sAuditReport') {
                $help = Get-Help $name -Full
                @($help.examples.example).Count | Should -BeGreaterOrEqual 2
            }
            (Get-Help Invoke-K8sServiceAccountAudit -Full | Out-String) | Should -Match 'SA09'
        }
    }
}

Describe 'Export-K8sAuditReport' {
    It 'makes the same report from the CSV as from the objects' {
        $csv = Join-Path $script:work 'report-source.csv'
        $findings = Invoke-K8sServiceAccountAudit -Namespace 'audit-*'
        $findings | Export-Csv -Path $csv -NoTypeInformation
        $fromObjects = Join-Path $script:work 'objects.html'
        $fromCsv = Join-Path $script:work 'csv.html'
        $findings | Export-K8sAuditReport -Path $fromObjects -Title 'Nightly'
        Import-Csv $csv | Export-K8sAuditReport -Path $fromCsv -Title 'Nightly'
        $strip = { param($p) (Get-Content -Raw $p) -replace 'Generated [^&<]+', '' }
        (& $strip $fromCsv) | Should -Be (& $strip $fromObjects)
    }

    It 'previews with -WhatIf and refuses to overwrite without -Force' {
        $path = Join-Path $script:work 'whatif.html'
        $findings = Invoke-K8sServiceAccountAudit -Namespace audit-cloud
        $findings | Export-K8sAuditReport -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
        $findings | Export-K8sAuditReport -Path $path
        { $findings | Export-K8sAuditReport -Path $path } | Should -Throw -ErrorId 'ExportK8sAuditReportFileExists,SaTools.Commands.ExportK8sAuditReportCommand'
        $file = $findings | Export-K8sAuditReport -Path $path -Force -PassThru
        $file.FullName | Should -Be $path
    }
}
