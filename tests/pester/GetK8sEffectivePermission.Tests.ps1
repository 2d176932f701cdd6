#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5: Get-K8sEffectivePermission offline (-InputFile) with the full set of built-in cmdlets (Export-Csv,
# Sort-Object, Format-Table) that the hosted runspace of tests/SaTools.Module.Tests lacks.
# Run: Invoke-Pester tests/pester after ./build.ps1

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'out/SaTools/SaTools.psd1') -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "satools-perm-pester-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $script:work | Out-Null
    # A new cluster's default RBAC policy, as the sandbox carries it (tests/KubeSandbox/Scenarios/BootstrapPolicy).
    $bootstrap = Get-ChildItem (Join-Path $root 'tests/KubeSandbox/Scenarios/BootstrapPolicy') -Filter *.yaml | ForEach-Object FullName
    $estate = Join-Path $script:work 'estate.yaml'
    @'
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: prod}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer-secrets, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: deployer}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: builder-edit, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: builder}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dangling, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
subjects: [{kind: ServiceAccount, name: builder}]
'@ | Set-Content -Path $estate
    $script:files = @($bootstrap) + $estate
}

AfterAll {
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'Get-K8sEffectivePermission -InputFile' {
    It 'gives every ServiceAccount the defaults of system:authenticated' {
        $rows = Get-K8sEffectivePermission -InputFile $script:files -Namespace team -Name builder -WarningAction SilentlyContinue
        $roles = $rows | Where-Object GrantedVia -eq 'system:authenticated' | Select-Object -ExpandProperty RoleName -Unique | Sort-Object
        $roles | Should -Be @('system:basic-user', 'system:discovery', 'system:public-info-viewer')
    }

    It 'warns about a binding to a missing role and shows it as a row' {
        $rows = Get-K8sEffectivePermission -InputFile $script:files -Namespace team -Name builder -WarningVariable warnings -WarningAction SilentlyContinue
        ($rows | Where-Object MissingRole).RoleName | Should -Be 'gone'
        $warnings | Should -Not -BeNullOrEmpty
    }

    It 'answers who can read secrets in prod' {
        $rows = Get-K8sEffectivePermission -InputFile $script:files -AllNamespaces -Verb get -Resource secrets -Scope prod
        $rows.ServiceAccount | Sort-Object -Unique | Should -Be 'deployer'
    }

    It 'rates ServiceAccounts in the summary' {
        $summary = Get-K8sEffectivePermission -InputFile $script:files -AllNamespaces -Summary -WarningAction SilentlyContinue
        ($summary | Where-Object ServiceAccount -eq 'deployer').RiskLevel | Should -Be 'High'
        ($summary | Where-Object ServiceAccount -eq 'builder').ReadSecrets | Should -BeTrue
    }

    It 'exports to CSV without type names in cells' {
        $csv = Join-Path $script:work 'grants.csv'
        Get-K8sEffectivePermission -InputFile $script:files -AllNamespaces -WarningAction SilentlyContinue | Export-Csv -Path $csv -NoTypeInformation
        Get-Content $csv -Raw | Should -Not -Match 'System\.String\[\]|SaTools\.Output'
    }

    It 'renders both table views' {
        { Get-K8sEffectivePermission -InputFile $script:files -AllNamespaces -WarningAction SilentlyContinue | Format-Table | Out-String } | Should -Not -Throw
        { Get-K8sEffectivePermission -InputFile $script:files -AllNamespaces -Summary -WarningAction SilentlyContinue | Format-Table | Out-String } | Should -Not -Throw
    }

    It 'refuses -Verify offline' {
        { Get-K8sEffectivePermission -InputFile $script:files -Verify -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sEffectivePermissionVerifyNeedsCluster,SaTools.Commands.GetK8sEffectivePermissionCommand'
    }

    It 'names an unreadable file' {
        { Get-K8sEffectivePermission -InputFile (Join-Path $script:work 'missing.yaml') -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetK8sEffectivePermissionInputFileInvalid,SaTools.Commands.GetK8sEffectivePermissionCommand'
    }
}
