@{
    RootModule           = 'SaTools.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '5b0e3f56-8c0e-4f5e-9d1c-2b7a6c1f4e21'
    Author               = 'SaTools contributors'
    CompanyName          = 'SaTools'
    Copyright            = '(c) SaTools contributors. All rights reserved.'
    Description          = 'Audit and harden Kubernetes ServiceAccounts: inventory, effective RBAC permissions, bound tokens, token review and automount hardening.'
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('SaTools.Format.ps1xml')
    TypesToProcess       = @('SaTools.Types.ps1xml')
    CmdletsToExport      = @(
        'Connect-K8sCluster'
        'Get-K8sServiceAccount'
        'Get-K8sEffectivePermission'
        'New-K8sBoundToken'
        'Test-K8sTokenReview'
        'Disable-K8sDefaultAutomount'
        'Set-K8sServiceAccountAutomount'
        'Get-K8sLegacyToken'
        'Disable-K8sLegacyToken'
        'Remove-K8sLegacyToken'
        'Get-K8sServiceAccountUsage'
        'Disable-K8sWorkloadAutomount'
        'Set-K8sWorkloadAutomount'
        'New-K8sKubeconfig'
        'Invoke-K8sServiceAccountAudit'
        'Export-K8sAuditReport'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Kubernetes', 'K8s', 'ServiceAccount', 'RBAC', 'Security', 'Audit', 'Hardening', 'TokenRequest', 'TokenReview', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/satools/SaTools'
            ReleaseNotes = 'First release: ServiceAccount inventory, effective RBAC permissions, bound tokens and token review, automount hardening.'
        }
    }
}
