#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5 suite for acting on the checklist (issue 16) in a real pwsh: Disable-K8sWorkloadAutomount and its undo
# through the real Export-Csv/Import-Csv, Set-K8sWorkloadAutomount on its own (set, remove, -WhatIf, a bad value),
# what the table view shows, and New-K8sKubeconfig's file as kubectl sees it.
# Run: ./build.ps1 -Task Test   (or Invoke-Pester tests/pester after ./build.ps1)

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'out/SaTools/SaTools.psd1') -Force

    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    $script:testSandbox = Start-TestSandbox -Root $root -Scenario demo -Name workloads
    $script:work = $script:testSandbox.Work
    $script:kubeconfig = $script:testSandbox.Kubeconfig
    $PSDefaultParameterValues['*-K8s*:Kubeconfig'] = $script:kubeconfig

    # The template's field as kubectl reads it: 'true', 'false' or '' (not set).
    function Get-TemplateAutomount([string] $Namespace, [string] $Resource, [string] $Name) {
        $path = if ($Resource -eq 'cronjob') { '{.spec.jobTemplate.spec.template.spec.automountServiceAccountToken}' } else { '{.spec.template.spec.automountServiceAccountToken}' }
        $value = & kubectl --kubeconfig $script:kubeconfig get $Resource $Name -n $Namespace -o "jsonpath=$path"
        if ($LASTEXITCODE -ne 0) { throw "kubectl get $Resource $Name failed" }
        "$value"
    }
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-K8s*:Kubeconfig')
    Stop-TestSandbox $script:testSandbox
}

Describe 'Disable-K8sWorkloadAutomount' {
    It 'previews without writing, in a table an operator can scan' {
        $rows = Disable-K8sWorkloadAutomount -AllNamespaces -WhatIf -PassThru
        ($rows | Where-Object Action -eq WouldPatch).Name | Sort-Object |
            Should -Be @('cleanup', 'feature-cache', 'legacy-rs', 'node-exporter', 'storefront-static')
        Get-TemplateAutomount -Namespace shop -Resource deployment -Name storefront-static | Should -Be ''

        $table = $rows | Format-Table | Out-String -Width 250
        $table | Should -Match 'Namespace\s+Kind\s+Name\s+ServiceAccount\s+Previous\s+Action\s+RestartsPods\s+Reason'
        $table | Should -Match 'token-client\s+default\s+not set\s+Skipped\s+False\s+TemplateDeclaresTokenVolume'
        $table | Should -Match 'debug-shell\s+default\s+not set\s+Skipped\s+False\s+BarePodImmutable'
        $table | Should -Match 'storefront-static\s+default\s+not set\s+WouldPatch\s+True'
    }

    It 'patches, writes nothing the second time, and undoes the run from its CSV' {
        $csv = Join-Path $script:work 'workload-automount.csv'
        Disable-K8sWorkloadAutomount -AllNamespaces -PassThru -Confirm:$false | Export-Csv -Path $csv -NoTypeInformation
        Get-TemplateAutomount -Namespace shop -Resource deployment -Name storefront-static | Should -Be 'false'
        Get-TemplateAutomount -Namespace data -Resource cronjob -Name cleanup | Should -Be 'false'
        Get-TemplateAutomount -Namespace shop -Resource deployment -Name frontend | Should -Be ''   # its ServiceAccount has permissions

        $rows = Import-Csv -Path $csv
        ($rows | Where-Object Name -eq storefront-static).Previous | Should -Be ''
        ($rows | Where-Object Name -eq storefront-static).RestartsPods | Should -Be 'True'
        Get-Content $csv -Raw | Should -Not -Match 'System\.'

        $again = Disable-K8sWorkloadAutomount -AllNamespaces -PassThru -Confirm:$false
        $again.Action | Should -Not -Contain 'Patched'

        Import-Csv -Path $csv | Set-K8sWorkloadAutomount -Confirm:$false
        Get-TemplateAutomount -Namespace shop -Resource deployment -Name storefront-static | Should -Be ''
        Get-TemplateAutomount -Namespace data -Resource cronjob -Name cleanup | Should -Be ''
        Get-TemplateAutomount -Namespace shop -Resource deployment -Name quiet-worker | Should -Be 'false'
    }

    It 'takes audit-shaped rows naming pods' {
        $finding = [pscustomobject]@{ Check = 'SA02'; Kind = 'Pod'; Namespace = 'monitoring'; Name = 'node-exporter-x7k2p'; ServiceAccount = 'node-exporter' }
        $row = $finding | Disable-K8sWorkloadAutomount -WhatIf -PassThru
        "$($row.Kind)/$($row.Name)" | Should -Be 'DaemonSet/node-exporter'
        $row.Action | Should -Be 'WouldPatch'
    }

    It 'refuses -Name without one -Kind with a specific error id' {
        { Disable-K8sWorkloadAutomount -Namespace shop -Name frontend -ErrorAction Stop } |
            Should -Throw -ErrorId 'DisableK8sWorkloadAutomountKindRequired,SaTools.Commands.DisableK8sWorkloadAutomountCommand'
    }
}

Describe 'Set-K8sWorkloadAutomount' {
    It 'sets a template field to true, then removes it, as kubectl reads it' {
        $set = Set-K8sWorkloadAutomount -Namespace shop -Kind Deployment -Name storefront-static -Value $true -PassThru -Confirm:$false
        $set.Action | Should -Be 'Patched'
        $set.Previous | Should -BeNullOrEmpty
        $set.Current | Should -BeTrue
        Get-TemplateAutomount -Namespace shop -Resource deployment -Name storefront-static | Should -Be 'true'

        # A report's Previous column after Export-Csv/Import-Csv: '' is "not set", so the field is removed.
        [pscustomobject]@{ Namespace = 'shop'; Kind = 'Deployment'; Name = 'storefront-static'; Previous = '' } |
            Set-K8sWorkloadAutomount -Confirm:$false
        Get-TemplateAutomount -Namespace shop -Resource deployment -Name storefront-static | Should -Be ''
    }

    It 'previews with -WhatIf and writes nothing' {
        $row = Set-K8sWorkloadAutomount -Namespace data -Kind CronJob -Name cleanup -Value $false -WhatIf -PassThru
        $row.Action | Should -Be 'WouldPatch'
        Get-TemplateAutomount -Namespace data -Resource cronjob -Name cleanup | Should -Be ''
    }

    It 'refuses a value that is not True, False or not set with a specific error id, and writes nothing' {
        { Set-K8sWorkloadAutomount -Namespace shop -Kind Deployment -Name storefront-static -Value 'maybe' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SetK8sWorkloadAutomountInvalidValue,SaTools.Commands.SetK8sWorkloadAutomountCommand'
        Get-TemplateAutomount -Namespace shop -Resource deployment -Name storefront-static | Should -Be ''
    }
}

Describe 'New-K8sKubeconfig' {
    It 'writes an owner-only file that kubectl accepts, and never shows the token' {
        $path = Join-Path $script:work 'ci.kubeconfig'
        $info = New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path $path
        $info.Path | Should -Be $path
        $info.PSObject.Properties.Name | Should -Not -Contain 'Token'
        if (-not $IsWindows) { (Get-Item $path).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }

        $who = & kubectl --kubeconfig $path auth whoami -o jsonpath='{.status.userInfo.username}'
        $who | Should -Be 'system:serviceaccount:ci:deployer'
        & kubectl --kubeconfig $path get sa deployer -o name | Should -Be 'serviceaccount/deployer'

        $token = & kubectl --kubeconfig $path config view --raw -o jsonpath='{.users[0].user.token}'
        ($info | Format-Table | Out-String) + ($info | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($token))
    }

    It 'does not overwrite a file without -Force' {
        $path = Join-Path $script:work 'existing.kubeconfig'
        Set-Content -Path $path -Value 'keep'
        { New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'NewK8sKubeconfigFileExists,SaTools.Commands.NewK8sKubeconfigCommand'
        Get-Content $path | Should -Be 'keep'
        New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path $path -Force -Confirm:$false | Out-Null
        Get-Content $path -Raw | Should -Match 'current-context'
    }
}
