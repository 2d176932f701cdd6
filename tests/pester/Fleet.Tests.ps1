#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# A fleet run as a compliance script does it: one merged kubeconfig with a context per cluster, and
# ForEach-Object -Parallel over the contexts, each runspace importing the module. Three sandboxes, two scenarios.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    Import-Module $ModuleManifest -Force
    $script:fleet = [System.Collections.Generic.List[object]]::new()
    try {
        foreach ($scenario in 'demo', 'bootstrap', 'demo') {
            $fleet.Add((Start-TestSandbox -Root $RepoRoot -Scenario $scenario -Name "fleet$($fleet.Count + 1)"))
        }
    }
    catch { Stop-TestSandbox $fleet.ToArray(); throw }

    # Each sandbox writes a kubeconfig with one context (sandbox-admin); the merged file names them fleet-1..3.
    $clusters = ''; $users = ''; $contexts = ''
    for ($i = 0; $i -lt $fleet.Count; $i++) {
        $text = Get-Content -Raw $fleet[$i].Kubeconfig
        $field = { param($name) [regex]::Match($text, "(?m)^\s+$($name): (\S+)").Groups[1].Value }
        $name = "fleet-$($i + 1)"
        $clusters += "- name: $name`n  cluster:`n    server: $(& $field server)`n    certificate-authority-data: $(& $field certificate-authority-data)`n"
        $users += "- name: $name`n  user:`n    token: $(& $field token)`n"
        $contexts += "- name: $name`n  context:`n    cluster: $name`n    user: $name`n"
    }
    $script:merged = Join-Path $fleet[0].Work 'fleet.kubeconfig'
    "apiVersion: v1`nkind: Config`nclusters:`n$clusters" + "users:`n$users" + "contexts:`n$contexts" + "current-context: fleet-1`n" |
        Set-Content -Path $merged
    $script:contextNames = 1..$fleet.Count | ForEach-Object { "fleet-$_" }
}

AfterAll {
    Stop-TestSandbox $fleet.ToArray()
}

Describe 'ForEach-Object -Parallel over a merged kubeconfig' {
    BeforeAll {
        # What each cluster holds, read one context at a time in this runspace.
        $script:expected = @{}
        foreach ($context in $contextNames) {
            $expected[$context] = @(Get-K8sServiceAccount -AllNamespaces -Kubeconfig $merged -Context $context |
                    ForEach-Object { "$($_.Namespace)/$($_.Name)" } | Sort-Object)
        }
        $manifest = $ModuleManifest
        $kubeconfig = $merged
        $script:results = @($contextNames | ForEach-Object -ThrottleLimit 3 -Parallel {
                Import-Module $using:manifest
                Get-K8sServiceAccount -AllNamespaces -Kubeconfig $using:kubeconfig -Context $_
                Get-K8sEffectivePermission -AllNamespaces -Summary -Kubeconfig $using:kubeconfig -Context $_
            })
    }

    It 'reaches three different clusters' {
        $expected['fleet-1'] | Should -Contain 'shop/frontend'
        $expected['fleet-2'] | Should -Not -Contain 'shop/frontend'
        $expected['fleet-3'].Count | Should -Be $expected['fleet-1'].Count
    }

    It 'brings every ServiceAccount of every cluster back once, with its Context' {
        $accounts = $results | Where-Object { $_ -is [SaTools.Output.ServiceAccountInfo] }
        ($accounts.Context | Sort-Object -Unique) | Should -Be $contextNames
        foreach ($context in $contextNames) {
            $mine = @($accounts | Where-Object Context -eq $context | ForEach-Object { "$($_.Namespace)/$($_.Name)" } | Sort-Object)
            $mine | Should -Be $expected[$context] -Because "$context's ServiceAccounts come back exactly once"
        }
    }

    It 'rates every ServiceAccount of every cluster once, with its Context' {
        $summaries = $results | Where-Object { $_ -is [SaTools.Output.EffectivePermissionSummary] }
        foreach ($context in $contextNames) {
            $mine = @($summaries | Where-Object Context -eq $context | ForEach-Object { "$($_.Namespace)/$($_.ServiceAccount)" } | Sort-Object)
            $mine | Should -Be $expected[$context]
        }
    }

    It 'merges into one CSV that tells the clusters apart' {
        $csv = Join-Path $fleet[0].Work 'fleet.csv'
        $results | Where-Object { $_ -is [SaTools.Output.ServiceAccountInfo] } | Export-Csv -Path $csv
        $rows = Import-Csv -Path $csv
        ($rows | Group-Object Context, Namespace, Name | Where-Object Count -gt 1) | Should -BeNullOrEmpty
        ($rows | Group-Object Context).Count | Should -Be 3
    }
}
