#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# New-K8sBoundToken and Test-K8sTokenReview with a full pwsh (Export-Csv, ConvertTo-SecureString, transcripts),
# against the sandbox's standalone host. Run: ./build.ps1 -Task Test (or Invoke-Pester tests/pester after a build).

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'out/SaTools/SaTools.psd1') -Force

    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    $script:testSandbox = Start-TestSandbox -Root $root -Scenario bootstrap -Name tokens
    $script:work = $script:testSandbox.Work
    $script:kubeconfig = $script:testSandbox.Kubeconfig
    $script:k = @{ Kubeconfig = $script:kubeconfig }
}

AfterAll {
    Stop-TestSandbox $script:testSandbox
}

Describe 'New-K8sBoundToken' {
    It 'mints a token kept in a SecureString' {
        $t = New-K8sBoundToken @k -Namespace default -ServiceAccount default -Duration 10m -Audience vault
        $t.Token | Should -BeOfType [securestring]
        $t.Audiences | Should -Be @('vault')
        ($t.ExpiresAt - $t.IssuedAt) | Should -Be ([TimeSpan]::FromMinutes(10))
        $t.Capped | Should -BeFalse
    }

    It 'refuses a lifetime under 10 minutes before any request' {
        { New-K8sBoundToken @k -Namespace default -ServiceAccount default -Duration 9m -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,SaTools.Commands.NewK8sBoundTokenCommand'
    }

    It 'reports a missing ServiceAccount with a specific error id' {
        { New-K8sBoundToken @k -Namespace default -ServiceAccount no-such-sa -ErrorAction Stop } |
            Should -Throw -ErrorId 'NewK8sBoundTokenServiceAccountNotFound,SaTools.Commands.NewK8sBoundTokenCommand'
    }

    It 'never puts the token in Export-Csv, ToString or the default view' {
        $t = New-K8sBoundToken @k -Namespace default -ServiceAccount default
        $plain = [System.Net.NetworkCredential]::new('', $t.Token).Password
        $csv = Join-Path $script:work 'tokens.csv'
        $t | Export-Csv -Path $csv
        Get-Content $csv -Raw | Should -Not -Match ([regex]::Escape($plain))
        $t.ToString() | Should -Not -Match ([regex]::Escape($plain))
        ($t | Out-String) | Should -Not -Match ([regex]::Escape($plain))
        ($t | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($plain))
    }

    It 'shows the token id in the table and writes TokenId, CredentialId and the node columns to CSV' {
        # The sandbox answers as Kubernetes 1.33: every token carries a jti (ServiceAccountTokenJTI, GA 1.32).
        $t = New-K8sBoundToken @k -Namespace default -ServiceAccount default
        $t.TokenId | Should -Not -BeNullOrEmpty
        $t.CredentialId | Should -Be "JTI=$($t.TokenId)"
        ($t | Format-Table | Out-String -Width 400) | Should -Match ([regex]::Escape($t.TokenId))
        $csv = Join-Path $script:work 'token-ids.csv'
        $t | Export-Csv -Path $csv -NoTypeInformation
        $row = Import-Csv $csv
        $row.TokenId | Should -Be $t.TokenId
        $row.CredentialId | Should -Be "JTI=$($t.TokenId)"
        $row.PSObject.Properties.Name | Should -Contain 'NodeName'
        $row.PSObject.Properties.Name | Should -Contain 'NodeUid'
    }
}

Describe 'Test-K8sTokenReview' {
    It 'shows the credential id online and offline' {
        $t = New-K8sBoundToken @k -Namespace default -ServiceAccount default
        $online = $t | Test-K8sTokenReview @k
        $offline = $t | Test-K8sTokenReview @k -Offline
        $online.CredentialId | Should -Be "JTI=$($t.TokenId)"
        $offline.CredentialId | Should -Be $online.CredentialId
        ($online | Format-Table | Out-String -Width 400) | Should -Match ([regex]::Escape("JTI=$($t.TokenId)"))
    }

    It 'reviews a minted token piped from New-K8sBoundToken' {
        $r = New-K8sBoundToken @k -Namespace default -ServiceAccount default -Audience vault | Test-K8sTokenReview @k
        $r.Authenticated | Should -BeTrue
        $r.UserName | Should -Be 'system:serviceaccount:default:default'
        $r.Audiences | Should -Be @('vault')
        $r.Method | Should -Be 'TokenReview'
    }

    It 'validates offline against the API server keys' {
        $r = New-K8sBoundToken @k -Namespace default -ServiceAccount default | Test-K8sTokenReview @k -Offline
        $r.Authenticated | Should -BeTrue
        $r.Method | Should -Be 'Offline'
        $r.Limitations | Should -Not -BeNullOrEmpty
    }

    It 'gives a result, not an error, for a token for another audience' {
        $t = New-K8sBoundToken @k -Namespace default -ServiceAccount default
        $r = Test-K8sTokenReview @k -Token $t.Token -Audience vault
        $r.Authenticated | Should -BeFalse
        $r.Error | Should -Match 'invalid for the target audiences'
    }

    It 'reports a malformed token with a specific error id' {
        { Test-K8sTokenReview @k -Token 'not-a-jwt' -ErrorAction Stop } |
            Should -Throw -ErrorId 'TestK8sTokenReviewMalformedToken,SaTools.Commands.TestK8sTokenReviewCommand'
    }
}
