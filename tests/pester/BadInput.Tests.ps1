#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5 suite for issue 12 as a person meets it in pwsh: names that would steer a request elsewhere ('..', '/',
# '%2e%2e'), from parameters and from a real Import-Csv, missing namespaces, malformed files, unknown contexts and
# selectors each end in a specific ErrorRecord, and the cluster is left exactly as it was. Also what a user sees:
# tab completion and table views at 80 and 120 columns.
# Run: ./build.ps1 -Task Test   (or Invoke-Pester tests/pester after ./build.ps1)

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    $script:manifest = Join-Path $root 'out/SaTools/SaTools.psd1'
    Import-Module $script:manifest -Force

    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    $script:testSandbox = Start-TestSandbox -Root $root -Scenario demo -Name badinput
    $script:work = $script:testSandbox.Work
    $script:kubeconfig = $script:testSandbox.Kubeconfig
    $PSDefaultParameterValues['*-K8s*:Kubeconfig'] = $script:kubeconfig

    # The cluster as JSON: every ServiceAccount and legacy token, so a test can prove nothing changed.
    function Get-ClusterState {
        $sas = Get-K8sServiceAccount -AllNamespaces | Sort-Object Namespace, Name |
            Select-Object Namespace, Name, AutomountServiceAccountToken, SecretCount
        $tokens = Get-K8sLegacyToken -AllNamespaces | Sort-Object Namespace, Name |
            Select-Object Namespace, Name, Status, InvalidSince
        @{ ServiceAccounts = $sas; Tokens = $tokens } | ConvertTo-Json -Depth 4
    }
    $script:before = Get-ClusterState
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-K8s*:Kubeconfig')
    Stop-TestSandbox $script:testSandbox
}

Describe 'Names that would steer a request elsewhere' {
    It '<Command> is <Id>' -ForEach @(
        @{ Command = { Set-K8sServiceAccountAutomount -Namespace ci -ServiceAccount '../../shop/serviceaccounts/frontend' -Value $false -Confirm:$false -ErrorAction Stop }; Id = 'SetK8sServiceAccountAutomountInvalidServiceAccountName,SaTools.Commands.SetK8sServiceAccountAutomountCommand' }
        @{ Command = { Remove-K8sLegacyToken -Namespace ci -Name '../../legacy-apps/secrets/default-token-manual' -Confirm:$false -ErrorAction Stop }; Id = 'RemoveK8sLegacyTokenInvalidSecretName,SaTools.Commands.RemoveK8sLegacyTokenCommand' }
        @{ Command = { New-K8sBoundToken -Namespace 'shop/serviceaccounts/frontend/token?x=/../../..' -ServiceAccount x -ErrorAction Stop }; Id = 'NewK8sBoundTokenInvalidNamespaceName,SaTools.Commands.NewK8sBoundTokenCommand' }
        @{ Command = { Get-K8sServiceAccount -Namespace '..' -ErrorAction Stop }; Id = 'GetK8sServiceAccountInvalidNamespaceName,SaTools.Commands.GetK8sServiceAccountCommand' }
        @{ Command = { Get-K8sServiceAccount -Namespace '%2e%2e' -ErrorAction Stop }; Id = 'GetK8sServiceAccountInvalidNamespaceName,SaTools.Commands.GetK8sServiceAccountCommand' }
        @{ Command = { Disable-K8sDefaultAutomount -Namespace '../shop' -Confirm:$false -ErrorAction Stop }; Id = 'DisableK8sDefaultAutomountInvalidNamespaceName,SaTools.Commands.DisableK8sDefaultAutomountCommand' }
        @{ Command = { Disable-K8sLegacyToken -Namespace legacy-apps -Name 'x/../reporter-token' -Confirm:$false -ErrorAction Stop }; Id = 'DisableK8sLegacyTokenInvalidSecretName,SaTools.Commands.DisableK8sLegacyTokenCommand' }
        @{ Command = { Get-K8sLegacyToken -Namespace '..' -ErrorAction Stop }; Id = 'GetK8sLegacyTokenInvalidNamespaceName,SaTools.Commands.GetK8sLegacyTokenCommand' }
        @{ Command = { Get-K8sServiceAccountUsage -Namespace '../..' -ErrorAction Stop }; Id = 'GetK8sServiceAccountUsageInvalidNamespaceName,SaTools.Commands.GetK8sServiceAccountUsageCommand' }
        @{ Command = { Get-K8sEffectivePermission -Namespace '..' -ErrorAction Stop }; Id = 'GetK8sEffectivePermissionInvalidNamespaceName,SaTools.Commands.GetK8sEffectivePermissionCommand' }
        @{ Command = { Connect-K8sCluster -Namespace '../shop' -ErrorAction Stop }; Id = 'ConnectK8sClusterInvalidNamespaceName,SaTools.Commands.ConnectK8sClusterCommand' }
    ) {
        $Command | Should -Throw -ErrorId $Id
    }

    It 'is a non-terminating InvalidArgument with the name as target, and the pipeline goes on' {
        $out = Get-K8sServiceAccount -Namespace '..', ci -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be '..'
        $out.Namespace | Sort-Object -Unique | Should -Be 'ci'
    }

    It 'refuses the traversal rows of an edited CSV and handles the rest' {
        $csv = Join-Path $script:work 'automount.csv'
        @(
            [pscustomobject]@{ Namespace = 'ci'; ServiceAccount = '../../shop/serviceaccounts/frontend'; Previous = 'False' }
            [pscustomobject]@{ Namespace = '%2e%2e'; ServiceAccount = 'frontend'; Previous = 'False' }
            [pscustomobject]@{ Namespace = 'ci'; ServiceAccount = 'runner'; Previous = 'False' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $rows = Import-Csv -Path $csv | Set-K8sServiceAccountAutomount -WhatIf -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.FullyQualifiedErrorId | Should -Be @(
            'SetK8sServiceAccountAutomountInvalidServiceAccountName,SaTools.Commands.SetK8sServiceAccountAutomountCommand'
            'SetK8sServiceAccountAutomountInvalidNamespaceName,SaTools.Commands.SetK8sServiceAccountAutomountCommand')
        $errs.TargetObject | Should -Be @('../../shop/serviceaccounts/frontend', '%2e%2e')
        $rows.ServiceAccount | Should -Be 'runner'
        $rows.Action | Should -Be 'WouldPatch'
    }

    It 'refuses the traversal rows of a CSV of Secrets, and writes nothing' {
        $csv = Join-Path $script:work 'tokens.csv'
        "Namespace,Name`nci,../../legacy-apps/secrets/default-token-manual`n..,reporter-token" | Set-Content -Path $csv
        $rows = Import-Csv -Path $csv | Remove-K8sLegacyToken -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.FullyQualifiedErrorId | Should -Be @(
            'RemoveK8sLegacyTokenInvalidSecretName,SaTools.Commands.RemoveK8sLegacyTokenCommand'
            'RemoveK8sLegacyTokenInvalidNamespaceName,SaTools.Commands.RemoveK8sLegacyTokenCommand')
        $rows.Action | Sort-Object -Unique | Should -Be 'Failed'
    }
}

Describe 'Missing namespaces' {
    It '<Command> is one NamespaceNotFound id' -ForEach @(
        @{ Command = { Get-K8sServiceAccount -Namespace no-such-ns -ErrorAction Stop }; Id = 'GetK8sServiceAccountNamespaceNotFound,SaTools.Commands.GetK8sServiceAccountCommand' }
        @{ Command = { Get-K8sLegacyToken -Namespace no-such-ns -ErrorAction Stop }; Id = 'GetK8sLegacyTokenNamespaceNotFound,SaTools.Commands.GetK8sLegacyTokenCommand' }
        @{ Command = { Disable-K8sDefaultAutomount -Namespace no-such-ns -Confirm:$false -ErrorAction Stop }; Id = 'DisableK8sDefaultAutomountNamespaceNotFound,SaTools.Commands.DisableK8sDefaultAutomountCommand' }
        @{ Command = { New-K8sBoundToken -Namespace no-such-ns -ServiceAccount default -ErrorAction Stop }; Id = 'NewK8sBoundTokenNamespaceNotFound,SaTools.Commands.NewK8sBoundTokenCommand' }
        @{ Command = { Get-K8sEffectivePermission -Namespace no-such-ns -ErrorAction Stop }; Id = 'GetK8sEffectivePermissionNamespaceNotFound,SaTools.Commands.GetK8sEffectivePermissionCommand' }
    ) {
        $Command | Should -Throw -ErrorId $Id
    }

    It 'names the namespace as Get-Item names a missing path' {
        Get-K8sServiceAccount -Namespace no-such-ns -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-ns'
        $errs[0].Exception.Message | Should -Match "'no-such-ns'"
    }

    It 'is quiet for a wildcard that matches nothing' {
        $out = Get-K8sServiceAccount -Namespace 'zz-*' -ErrorVariable errs
        $errs.Count | Should -Be 0
        $out | Should -BeNullOrEmpty
    }
}

Describe 'Other bad input' {
    It 'names a malformed kubeconfig and what is wrong in it' {
        $bad = Join-Path $script:work 'bad.yaml'
        "apiVersion: v1`nclusters: [ {name: x, cluster: {server: 1}}`n  - oops" | Set-Content -Path $bad
        $err = { Get-K8sServiceAccount -Kubeconfig $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sServiceAccountInvalidConnectionSettings,SaTools.Commands.GetK8sServiceAccountCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$bad*"
        $err.Exception.Message | Should -Match 'line \d+, column \d+'
        $err.Exception | Should -Not -BeOfType [System.InvalidOperationException]
    }

    It 'says an empty kubeconfig is empty' {
        $empty = Join-Path $script:work 'empty.yaml'
        '' | Set-Content -Path $empty
        $err = { Connect-K8sCluster -Kubeconfig $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectK8sClusterInvalidConnectionSettings,SaTools.Commands.ConnectK8sClusterCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*$empty*is empty*"
    }

    It 'reports an unknown -Context' {
        { Get-K8sServiceAccount -Context no-such-context -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sServiceAccountUnknownContext,SaTools.Commands.GetK8sServiceAccountCommand'
    }

    It 'refuses an empty -InputFile instead of answering 0 grants' {
        $empty = Join-Path $script:work 'rbac.json'
        '' | Set-Content -Path $empty
        { Get-K8sEffectivePermission -InputFile $empty -AllNamespaces -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sEffectivePermissionInputFileInvalid,SaTools.Commands.GetK8sEffectivePermissionCommand'
        '{"kind":"PodList","apiVersion":"v1","items":[]}' | Set-Content -Path $empty
        { Get-K8sEffectivePermission -InputFile $empty -AllNamespaces -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sEffectivePermissionInputFileInvalid,SaTools.Commands.GetK8sEffectivePermissionCommand'
    }

    It 'refuses an invalid -Scope instead of listing every cluster-wide grant' {
        { Get-K8sEffectivePermission -Namespace ci -Scope '../x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sEffectivePermissionInvalidScope,SaTools.Commands.GetK8sEffectivePermissionCommand'
        { Get-K8sEffectivePermission -Namespace ci -Scope no-such-ns -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sEffectivePermissionNamespaceNotFound,SaTools.Commands.GetK8sEffectivePermissionCommand'
    }

    It 'refuses a malformed -LabelSelector' {
        { Get-K8sServiceAccount -AllNamespaces -LabelSelector 'app in (a' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sServiceAccountInvalidLabelSelector,SaTools.Commands.GetK8sServiceAccountCommand'
    }
}

Describe 'The cluster after all of it' {
    It 'is exactly as it was' {
        Get-ClusterState | Should -Be $script:before
    }
}

Describe 'What a user sees' {
    It 'completes -<Parameter>' -ForEach @(
        @{ Line = 'Get-K8sEffectivePermission -Verb cr'; Parameter = 'Verb'; Expected = 'create' }
        @{ Line = 'Get-K8sEffectivePermission -Resource pods/e'; Parameter = 'Resource'; Expected = 'pods/exec' }
        @{ Line = 'New-K8sBoundToken -ServiceAccount x -Duration 1'; Parameter = 'Duration'; Expected = '10m' }
    ) {
        $completions = (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain $Expected
    }

    It 'shows <Name> in 80 and 120 columns without a header broken over lines' -ForEach @(
        @{ Name = 'Get-K8sEffectivePermission'; Run = { Get-K8sEffectivePermission -Namespace legacy-apps -WarningAction SilentlyContinue }; Header = 'Resources' }
        @{ Name = 'Get-K8sLegacyToken'; Run = { Get-K8sLegacyToken -AllNamespaces }; Header = 'MountedBy' }
        @{ Name = 'Test-K8sTokenReview'; Run = { New-K8sBoundToken -Namespace ci -ServiceAccount deployer -Duration 10m | Test-K8sTokenReview }; Header = 'ExpiresIn' }
    ) {
        $objects = & $Run
        foreach ($width in 80, 120) {
            $lines = ($objects | Format-Table | Out-String -Width $width) -split "`r?`n"
            $header = $lines | Where-Object { $_ -match "\b$Header\b" } | Select-Object -First 1
            $header | Should -Not -BeNullOrEmpty -Because "the $Header column is whole at $width columns"
            $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual $width }
        }
    }
}
