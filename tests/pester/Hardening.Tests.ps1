#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5 suite for the hardening cmdlets (Disable-K8sDefaultAutomount, Set-K8sServiceAccountAutomount,
# Get/Disable/Remove-K8sLegacyToken, Get-K8sServiceAccountUsage) on machines with pwsh: the runbooks of the help,
# with the real Export-Csv and Import-Csv that a hosted System.Management.Automation lacks.
# Run: ./build.ps1 -Task Test   (or Invoke-Pester tests/pester after ./build.ps1)

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    $script:manifest = Join-Path $root 'out/SaTools/SaTools.psd1'
    Import-Module $script:manifest -Force

    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    $script:testSandbox = Start-TestSandbox -Root $root -Scenario demo -Name hardening
    $script:work = $script:testSandbox.Work
    $script:kubeconfig = $script:testSandbox.Kubeconfig
    $PSDefaultParameterValues['*-K8s*:Kubeconfig'] = $script:kubeconfig
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-K8s*:Kubeconfig')
    Stop-TestSandbox $script:testSandbox
}

Describe 'Disable-K8sDefaultAutomount' {
    It 'previews without writing' {
        $rows = Disable-K8sDefaultAutomount -Namespace shop, payments -WhatIf -PassThru
        ($rows | Where-Object Namespace -eq shop).Action | Should -Be 'WouldPatch'
        ($rows | Where-Object Namespace -eq payments).Action | Should -Be 'AlreadyDisabled'
        (Get-K8sServiceAccount -Namespace shop -Name default).AutomountServiceAccountToken | Should -Be 'not set'
    }

    It 'runs the compliance runbook and undoes it from the CSV' {
        $csv = Join-Path $script:work 'default-automount.csv'
        Disable-K8sDefaultAutomount -AllNamespaces -ExcludeNamespace kube-system -PassThru -Confirm:$false |
            Export-Csv -Path $csv -NoTypeInformation
        $rows = Import-Csv -Path $csv
        $rows.Namespace | Should -Not -Contain 'kube-system'
        ($rows | Where-Object Namespace -eq shop).RelyingPods | Should -Be 'debug-shell'
        (Get-K8sServiceAccount -Namespace shop -Name default).AutomountServiceAccountToken | Should -Be 'False'

        $again = Disable-K8sDefaultAutomount -AllNamespaces -ExcludeNamespace kube-system -PassThru -Confirm:$false
        $again.Action | Sort-Object -Unique | Should -Be 'AlreadyDisabled'

        Import-Csv -Path $csv | Where-Object Action -eq Patched | Set-K8sServiceAccountAutomount -Confirm:$false
        (Get-K8sServiceAccount -Namespace shop -Name default).AutomountServiceAccountToken | Should -Be 'not set'
        (Get-K8sServiceAccount -Namespace payments -Name default).AutomountServiceAccountToken | Should -Be 'False'
    }

    It 'reports a missing namespace with a specific error id' {
        { Disable-K8sDefaultAutomount -Namespace no-such-namespace -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DisableK8sDefaultAutomountNamespaceNotFound,SaTools.Commands.DisableK8sDefaultAutomountCommand'
    }
}

Describe 'Set-K8sServiceAccountAutomount' {
    It 'refuses a value that was never read' {
        { Set-K8sServiceAccountAutomount -Namespace shop -Name default -Value unknown -ErrorAction Stop } |
            Should -Throw -ErrorId 'SetK8sServiceAccountAutomountInvalidValue,SaTools.Commands.SetK8sServiceAccountAutomountCommand'
    }
}

Describe 'Get-K8sLegacyToken' {
    It 'lists each status' {
        $tokens = Get-K8sLegacyToken -AllNamespaces
        ($tokens | Where-Object Name -eq 'ledger-token').Status | Should -Be 'InUse'
        ($tokens | Where-Object Name -eq 'old-deployer-token').Status | Should -Be 'Invalidated'
        ($tokens | Where-Object Name -eq 'deployer-token').Status | Should -Be 'Unused'
        $tokens | Export-Csv -Path (Join-Path $script:work 'tokens.csv') -NoTypeInformation
        Get-Content (Join-Path $script:work 'tokens.csv') -Raw | Should -Not -Match 'System\.'
    }
}

Describe 'Disable-K8sLegacyToken' {
    It 'refuses to retire a mounted token without -Force' {
        { Disable-K8sLegacyToken -Namespace legacy-apps -Name reporter-token -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DisableK8sLegacyTokenSecretMounted,SaTools.Commands.DisableK8sLegacyTokenCommand'
    }

    It 'invalidates the unused tokens' {
        $result = Get-K8sLegacyToken -AllNamespaces | Where-Object Status -eq Unused | Disable-K8sLegacyToken -Confirm:$false
        $result.Action | Sort-Object -Unique | Should -Be 'Invalidated'
        $retired = Get-K8sLegacyToken -Namespace ci | Where-Object Name -eq deployer-token
        $retired.Status | Should -Be 'Invalidated'
        # Labelled by Disable-K8sLegacyToken today, on a Secret the control plane's cleaner would not have touched.
        $retired.InvalidatedBy | Should -Be 'Manual'
        $retired.InvalidationEvidenceList | Should -Match 'not auto-generated'
        ($retired | Format-Table | Out-String -Width 200) | Should -Match 'InvalidatedBy\s*\r?\n[- ]+\r?\n.*Manual'
    }
}

Describe 'Remove-K8sLegacyToken' {
    It 'refuses to delete a mounted token without -Force' {
        { Remove-K8sLegacyToken -Namespace legacy-apps -Name reporter-token -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'RemoveK8sLegacyTokenSecretMounted,SaTools.Commands.RemoveK8sLegacyTokenCommand'
        (Get-K8sLegacyToken -Namespace legacy-apps).Name | Should -Contain 'reporter-token'
    }

    It 'deletes the invalidated tokens from an Import-Csv of the list, and only those' {
        $csv = Join-Path $script:work 'invalidated.csv'
        Get-K8sLegacyToken -AllNamespaces | Where-Object Status -eq Invalidated | Export-Csv -Path $csv
        $rows = @(Import-Csv -Path $csv)
        $rows.Name | Should -Contain 'old-deployer-token'
        $before = @(Get-K8sLegacyToken -AllNamespaces).Count
        $result = $rows | Remove-K8sLegacyToken -Confirm:$false
        $result.Action | Sort-Object -Unique | Should -Be 'Removed'
        $left = Get-K8sLegacyToken -AllNamespaces
        $left.Name | Should -Not -Contain 'old-deployer-token'
        @($left).Count | Should -Be ($before - $rows.Count)
        ($left | Where-Object Name -eq 'ledger-token').Status | Should -Be 'InUse'
    }
}

Describe 'Get-K8sServiceAccountUsage' {
    It 'resolves owners and flags unused ServiceAccounts' {
        $pods = Get-K8sServiceAccountUsage -AllNamespaces
        ($pods | Where-Object Pod -eq 'ledger-0').Owner | Should -Be 'StatefulSet/ledger'
        ($pods | Where-Object Pod -like 'frontend-*' | Select-Object -First 1).Owner | Should -Be 'Deployment/frontend'
        (Get-K8sServiceAccountUsage -AllNamespaces -Summary | Where-Object Unused).ServiceAccount | Should -Contain 'gateway'
    }

    It 'finds the pods carrying a token that can read secrets' {
        $risky = Get-K8sServiceAccountUsage -AllNamespaces -IncludePermission |
            Where-Object { $_.TokenMounted -and $_.Risks -contains 'ReadSecrets' }
        $risky.Pod | Should -Contain 'ledger-0'
    }
}
