#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5 suite for machines with pwsh: the same module, the same sandbox, the full set of built-in cmdlets
# (Export-Csv, ConvertTo-SecureString) that a hosted System.Management.Automation lacks.
# Run: ./build.ps1 -Task Test   (or Invoke-Pester tests/pester after ./build.ps1)

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    $script:manifest = Join-Path $root 'out/SaTools/SaTools.psd1'
    Import-Module $script:manifest -Force

    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    $script:testSandbox = Start-TestSandbox -Root $root -Scenario demo -Name module
    $script:work = $script:testSandbox.Work
    $script:kubeconfig = $script:testSandbox.Kubeconfig
}

AfterAll {
    Stop-TestSandbox $script:testSandbox
}

Describe 'Module' {
    It 'has a valid manifest' {
        { Test-ModuleManifest -Path $script:manifest -ErrorAction Stop } | Should -Not -Throw
    }

    It 'exports every cmdlet with full help' {
        foreach ($command in Get-Command -Module SaTools) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        }
    }
}

Describe 'Connect-K8sCluster' {
    It 'connects with a kubeconfig and returns the connection' {
        $c = Connect-K8sCluster -Kubeconfig $script:kubeconfig
        $c.Context | Should -Not -BeNullOrEmpty
        $c.Server | Should -BeLike 'https://127.0.0.1:*'
    }

    It 'reports an unknown context with a specific error id' {
        { Connect-K8sCluster -Kubeconfig $script:kubeconfig -Context no-such-context -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectK8sClusterUnknownContext,SaTools.Commands.ConnectK8sClusterCommand'
    }

    It 'reports a missing kubeconfig with a specific error id' {
        { Connect-K8sCluster -Kubeconfig (Join-Path $script:work 'missing') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectK8sClusterNoKubeconfig,SaTools.Commands.ConnectK8sClusterCommand'
    }

    It 'reports an unreachable server' {
        $token = [System.Net.NetworkCredential]::new('', 'not-a-real-token').SecurePassword
        { Connect-K8sCluster -Server 'https://127.0.0.1:1' -Token $token -SkipTlsVerification -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'ConnectK8sClusterServerUnreachable,SaTools.Commands.ConnectK8sClusterCommand'
    }
}

Describe 'Get-K8sServiceAccount' {
    BeforeAll { Connect-K8sCluster -Kubeconfig $script:kubeconfig | Out-Null }

    It 'lists every namespace with flat objects' {
        $all = Get-K8sServiceAccount -AllNamespaces
        $all.Count | Should -BeGreaterThan 0
        $all | ForEach-Object { $_.Context | Should -Not -BeNullOrEmpty }
    }

    It 'writes CSV without System.String[] cells' {
        $csv = Get-K8sServiceAccount -AllNamespaces | ConvertTo-Csv -NoTypeInformation | Out-String
        $csv | Should -Not -Match 'System\.String\[\]'
        $csv | Should -Not -Match 'System\.Collections'
    }

    It 'binds Namespace and Name from CSV rows' {
        $first = Get-K8sServiceAccount -AllNamespaces | Select-Object -First 1
        $rows = [pscustomobject]@{ Namespace = $first.Namespace; Name = $first.Name } | ConvertTo-Csv | ConvertFrom-Csv
        $found = $rows | Get-K8sServiceAccount
        $found.Uid | Should -Be $first.Uid
    }

    It 'reports a missing ServiceAccount as ObjectNotFound' {
        { Get-K8sServiceAccount -Namespace default -Name does-not-exist -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sServiceAccountNotFound,SaTools.Commands.GetK8sServiceAccountCommand'
    }
}

Describe 'Get-K8sEffectivePermission' {
    BeforeAll { Connect-K8sCluster -Kubeconfig $script:kubeconfig | Out-Null }

    It 'rates every ServiceAccount of the cluster' {
        $summary = Get-K8sEffectivePermission -AllNamespaces -Summary
        $accounts = Get-K8sServiceAccount -AllNamespaces
        @($summary).Count | Should -Be @($accounts).Count
        $summary.RiskLevel | Sort-Object -Unique | Should -Not -BeNullOrEmpty
        $summary | ForEach-Object { $_.Context | Should -Not -BeNullOrEmpty }
    }

    It 'answers who can read secrets, confirmed by SubjectAccessReview' {
        $rows = Get-K8sServiceAccount -Namespace payments -Name ledger | Get-K8sEffectivePermission -Verb get -Resource secrets -Verify
        $rows | Should -Not -BeNullOrEmpty
        $rows | ForEach-Object { $_.Verified | Should -BeTrue }
    }
}
