#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# What a person sees in a real pwsh, for every output type of every exported cmdlet, against the demo sandbox:
# the format views at 80 and 120 columns, Export-Csv/Import-Csv round trips, transcripts and every stream and export
# scanned for token text, -WhatIf on everything that writes, and Ctrl+C.

BeforeDiscovery {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'out/SaTools/SaTools.psd1') -Force
    # One sample pipeline per output type; none of them writes to the cluster (New-K8sKubeconfig writes a file in the
    # test's folder). A new output type (a new cmdlet's) fails 'has a sample for every output type' below until it
    # gets one here.
    $script:samples = @(
        @{ Type = 'ClusterConnection'; Command = 'Connect-K8sCluster' }
        @{ Type = 'ServiceAccountInfo'; Command = 'Get-K8sServiceAccount -AllNamespaces' }
        @{ Type = 'EffectivePermission'; Command = 'Get-K8sEffectivePermission -AllNamespaces' }
        @{ Type = 'EffectivePermissionSummary'; Command = 'Get-K8sEffectivePermission -AllNamespaces -Summary' }
        @{ Type = 'K8sBoundToken'; Command = 'New-K8sBoundToken -Namespace ci -ServiceAccount deployer -Audience vault' }
        @{ Type = 'K8sTokenReviewResult'; Command = 'New-K8sBoundToken -Namespace ci -ServiceAccount deployer | Test-K8sTokenReview' }
        @{ Type = 'AutomountResult'; Command = 'Disable-K8sDefaultAutomount -AllNamespaces -PassThru -WhatIf' }
        @{ Type = 'LegacyToken'; Command = 'Get-K8sLegacyToken -AllNamespaces' }
        @{ Type = 'LegacyTokenResult'; Command = 'Get-K8sLegacyToken -AllNamespaces | Disable-K8sLegacyToken -Force -WhatIf' }
        @{ Type = 'ServiceAccountPodUsage'; Command = 'Get-K8sServiceAccountUsage -AllNamespaces -IncludePermission' }
        @{ Type = 'ServiceAccountUsageSummary'; Command = 'Get-K8sServiceAccountUsage -AllNamespaces -Summary' }
        @{ Type = 'WorkloadAutomountResult'; Command = 'Disable-K8sWorkloadAutomount -AllNamespaces -PassThru -WhatIf' }
        @{ Type = 'K8sKubeconfigInfo'; Command = 'New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path (Join-Path $work "sample.kubeconfig") -Force -Confirm:$false' }
        @{ Type = 'K8sAuditFinding'; Command = 'Invoke-K8sServiceAccountAudit -AllNamespaces' }
    )
    $script:widths = @(80, 120)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestEnvironment.ps1')
    . (Join-Path $PSScriptRoot 'TestSandbox.ps1')
    Import-Module $ModuleManifest -Force
    $script:testSandbox = Start-TestSandbox -Root $RepoRoot -Scenario demo -Name shell
    $script:work = $testSandbox.Work
    $PSDefaultParameterValues['*-K8s*:Kubeconfig'] = $testSandbox.Kubeconfig
    # The admin token of the sandbox's kubeconfig: the credential every request carries.
    $script:adminToken = ([regex]::Match((Get-Content -Raw $testSandbox.Kubeconfig), '(?m)^\s+token: (\S+)')).Groups[1].Value

    function Invoke-Sample([string] $Command) {
        # -WhatIf samples: the What if: lines go to the host, not into the objects.
        & ([scriptblock]::Create($Command)) 6>$null
    }

    # A cell that is a .NET type name (System.String[], System.Security.SecureString, SaTools.Output.X...): what
    # Export-Csv writes for a property it cannot turn into text.
    $script:typeName = '^(System|SaTools|Microsoft|k8s)\.[\w.`]+(\[\])?$|^System\.|\[\]$'
}

AfterAll {
    $PSDefaultParameterValues.Remove('*-K8s*:Kubeconfig')
    Stop-TestSandbox $testSandbox
}

Describe 'Output types' {
    It 'has a sample for every output type of every exported cmdlet' {
        $covered = $samples.Type
        # Our own types (SaTools.Output.*): Export-K8sAuditReport -PassThru returns PowerShell's System.IO.FileInfo,
        # whose view and CSV form are PowerShell's, not ours.
        $declared = Get-Command -Module SaTools | ForEach-Object { $_.OutputType.Name } | Where-Object { $_ -like 'SaTools.Output.*' } |
            ForEach-Object { $_ -replace '^SaTools\.Output\.', '' } | Sort-Object -Unique
        $declared | Should -Not -BeNullOrEmpty
        $declared | Where-Object { $_ -notin $covered } | Should -BeNullOrEmpty -Because 'every output type needs a format and CSV check here'
    }
}

Describe 'The <Type> view' -ForEach $samples {
    BeforeAll {
        $script:objects = @(Invoke-Sample $Command)
    }

    It 'is what the sample returns' {
        $objects.Count | Should -BeGreaterThan 0
        $objects | ForEach-Object { $_.GetType().Name | Should -Be $Type }
    }

    It 'fits <_> columns with no type name in it' -ForEach $widths {
        $width = $_
        foreach ($text in ($objects | Out-String -Width $width), ($objects | Format-List | Out-String -Width $width)) {
            $lines = $text -split '\r?\n' | ForEach-Object TrimEnd
            $lines | Where-Object Length -gt $width | Should -BeNullOrEmpty
            $text | Should -Not -Match 'SaTools\.Output\.|System\.String\[\]|System\.Collections|System\.Security\.SecureString'
            ($lines | Where-Object { $_ }).Count | Should -BeGreaterThan 0
        }
    }

    It 'shows its table headers whole, on one line, at <_> columns' -ForEach $widths {
        $width = $_
        $lines = ($objects | Format-Table | Out-String -Width $width) -split '\r?\n'
        $ruleAt = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^-+( +-+)*\s*$' })
        $ruleAt | Should -BeGreaterThan 1 -Because 'a table has a header line and a rule under it'
        $rule = $lines[$ruleAt]
        # The header block: the lines between the blank line above the table and its rule.
        $block = @()
        for ($i = $ruleAt - 1; $i -ge 0 -and $lines[$i].Trim(); $i--) { $block = , $lines[$i].PadRight($rule.Length) + $block }
        $shown = "`n" + (($block + $rule) -join "`n")
        $columns = @([regex]::Matches($rule, '-+'))
        # At 80 columns PowerShell gives the last column what is left and may break its header (as it does for
        # Get-Process); every other header, and at 120 columns all of them, must be whole on one line.
        if ($width -lt 120) { $columns = $columns | Select-Object -SkipLast 1 }
        else { $block.Count | Should -Be 1 -Because "the headers fit on one line:$shown" }
        foreach ($column in $columns) {
            @($block | Where-Object { $_.Substring($column.Index, $column.Length).Trim() }).Count | Should -Be 1 -Because "a header is whole on one line:$shown"
        }
    }

    It 'survives Export-Csv and Import-Csv with no type name in any cell' {
        $csv = Join-Path $work "$Type.csv"
        $objects | Export-Csv -Path $csv
        $rows = @(Import-Csv -Path $csv)
        $rows.Count | Should -Be $objects.Count
        $columns = $rows[0].PSObject.Properties.Name
        $columns | Should -Be @($objects[0].PSObject.Properties.Name)
        foreach ($row in $rows) {
            foreach ($column in $columns) {
                $row.$column | Should -Not -Match $typeName -Because "$Type.$column must be written as text"
            }
        }
        foreach ($key in 'Namespace', 'Name', 'Context') {
            if ($key -in $columns) { $rows.$key | Should -Be @($objects.$key | ForEach-Object { "$_" }) }
        }
    }
}

Describe 'Token text' {
    BeforeAll {
        $transcript = Join-Path $work 'transcript.txt'
        $kubeconfigFile = Join-Path $work 'token-text.kubeconfig'
        Start-Transcript -Path $transcript | Out-Null
        try {
            $minted = New-K8sBoundToken -Namespace ci -ServiceAccount deployer -Audience vault -Verbose -Debug *>&1
            $script:token = $minted | Where-Object { $_ -is [SaTools.Output.K8sBoundToken] }
            $script:tokenText = [System.Net.NetworkCredential]::new('', $token.Token).Password
            $streams = @(
                $minted
                $token | Test-K8sTokenReview -Verbose -Debug *>&1
                $token | Test-K8sTokenReview -Offline -Verbose *>&1
                Connect-K8sCluster -Verbose -Debug *>&1
                Get-K8sServiceAccount -Namespace ci -Verbose -Debug *>&1
                Get-K8sServiceAccount -Namespace ci -Name no-such-sa -Verbose -ErrorAction Continue *>&1
                Test-K8sTokenReview -Token ($tokenText + 'x') -Verbose -ErrorAction Continue *>&1
                Get-K8sLegacyToken -AllNamespaces -Verbose *>&1
                Get-K8sServiceAccountUsage -AllNamespaces -Verbose *>&1
                Get-K8sEffectivePermission -Namespace ci -Verbose *>&1
                Disable-K8sDefaultAutomount -Namespace ci -WhatIf -PassThru -Verbose *>&1
                Disable-K8sWorkloadAutomount -AllNamespaces -WhatIf -PassThru -Verbose *>&1
                New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path $kubeconfigFile -Verbose -Debug *>&1
                Invoke-K8sServiceAccountAudit -AllNamespaces -Verbose *>&1
                $token | Format-List * | Out-String
                $token | Out-String
                $token.ToString()
            )
            $token | Out-Host
            $token | Format-List * | Out-Host
        }
        finally { Stop-Transcript | Out-Null }
        # The token New-K8sKubeconfig wrote into its file (and only there).
        $script:kubeconfigToken = ([regex]::Match((Get-Content -Raw $kubeconfigFile), '(?m)^\s+token: (\S+)')).Groups[1].Value
        $script:seen = ($streams | Out-String -Width 500) + ($Error | Out-String -Width 500) + (Get-Content -Raw $transcript)
        $script:exports = Join-Path $work 'exports'
        New-Item -ItemType Directory -Path $exports | Out-Null
        $token | Export-Csv -Path (Join-Path $exports 'token.csv')
        $token | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $exports 'token.json')
        $token | Export-Clixml -Path (Join-Path $exports 'token.clixml')
        $token | Test-K8sTokenReview | Export-Csv -Path (Join-Path $exports 'review.csv')
        Connect-K8sCluster | Export-Csv -Path (Join-Path $exports 'connection.csv')
        Connect-K8sCluster | Export-Clixml -Path (Join-Path $exports 'connection.clixml')
        New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path $kubeconfigFile -Force -Confirm:$false |
            Export-Csv -Path (Join-Path $exports 'kubeconfig.csv')
        $script:kubeconfigToken2 = ([regex]::Match((Get-Content -Raw $kubeconfigFile), '(?m)^\s+token: (\S+)')).Groups[1].Value
        $findings = Invoke-K8sServiceAccountAudit -AllNamespaces
        $findings | Export-Csv -Path (Join-Path $exports 'audit.csv')
        $findings | Export-K8sAuditReport -Path (Join-Path $exports 'audit.html')
        $script:exported = Get-ChildItem $exports | ForEach-Object { @{ Name = $_.Name; Text = Get-Content -Raw $_.FullName } }

        # A token as it can leak: the text, and a SecureString serialized as UTF-16 hex (ConvertFrom-SecureString and
        # Export-Clixml on Linux and macOS, where there is no DPAPI to encrypt it).
        $script:tokens = @($tokenText, $adminToken, $kubeconfigToken, $kubeconfigToken2)
        function Get-LeakPattern([string] $Secret) {
            $hex = -join ([Text.Encoding]::Unicode.GetBytes($Secret) | ForEach-Object { $_.ToString('x2') })
            # The signature part alone is enough to use nothing, but the whole token must not appear in any form.
            @([regex]::Escape($Secret), [regex]::Escape($Secret.Split('.')[-1]), $hex)
        }
    }

    It 'the sandbox gave a token and an admin token to look for' {
        $tokenText | Should -Match '^eyJ'
        $adminToken | Should -Not -BeNullOrEmpty
        $kubeconfigToken | Should -Match '^eyJ'
        $kubeconfigToken2 | Should -Match '^eyJ'
    }

    It 'leaves Export-Clixml every property but the token' {
        $back = Import-Clixml -Path (Join-Path $exports 'token.clixml')
        @($back.PSObject.Properties.Name) | Should -Be @($token.PSObject.Properties.Name) -Because 'SaTools.Types.ps1xml lists every property but Token'
        $token.PSObject.Properties.Name | Should -Not -Contain 'Token'
    }

    It 'is in no stream, error or transcript' {
        foreach ($pattern in $tokens | ForEach-Object { Get-LeakPattern $_ }) {
            $seen | Should -Not -Match $pattern
        }
    }

    It 'is in no exported file (<Name>)' -ForEach @('token.csv', 'token.json', 'token.clixml', 'review.csv', 'connection.csv', 'connection.clixml', 'kubeconfig.csv', 'audit.csv', 'audit.html' | ForEach-Object { @{ Name = $_ } }) {
        $file = $exported | Where-Object Name -eq $Name
        $file | Should -Not -BeNullOrEmpty
        foreach ($pattern in $tokens | ForEach-Object { Get-LeakPattern $_ }) {
            $file.Text | Should -Not -Match $pattern
        }
    }
}

Describe '-WhatIf' {
    BeforeDiscovery {
        # Every cmdlet that can write has a -WhatIf case; a new one fails 'covers every cmdlet that writes'.
        $script:whatIf = @(
            @{ Name = 'Disable-K8sDefaultAutomount'; Command = 'Disable-K8sDefaultAutomount -AllNamespaces -WhatIf' }
            @{ Name = 'Set-K8sServiceAccountAutomount'; Command = 'Get-K8sServiceAccount -AllNamespaces | ForEach-Object { [pscustomobject]@{ Namespace = $_.Namespace; Name = $_.Name; Value = $false } } | Set-K8sServiceAccountAutomount -WhatIf' }
            @{ Name = 'Disable-K8sLegacyToken'; Command = 'Get-K8sLegacyToken -AllNamespaces | Disable-K8sLegacyToken -Force -WhatIf' }
            @{ Name = 'Remove-K8sLegacyToken'; Command = 'Get-K8sLegacyToken -AllNamespaces | Remove-K8sLegacyToken -Force -WhatIf' }
            @{ Name = 'New-K8sBoundToken'; Command = 'Get-K8sServiceAccount -AllNamespaces | New-K8sBoundToken -WhatIf' }
            @{ Name = 'Disable-K8sWorkloadAutomount'; Command = 'Disable-K8sWorkloadAutomount -AllNamespaces -WhatIf' }
            @{ Name = 'Set-K8sWorkloadAutomount'; Command = 'Disable-K8sWorkloadAutomount -AllNamespaces -WhatIf -PassThru | Where-Object Action -eq WouldPatch | ForEach-Object { [pscustomobject]@{ Namespace = $_.Namespace; Kind = $_.Kind; Name = $_.Name; Value = $true } } | Set-K8sWorkloadAutomount -WhatIf' }
            @{ Name = 'New-K8sKubeconfig'; Command = 'New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path (Join-Path $work "whatif.kubeconfig") -WhatIf'; File = 'whatif.kubeconfig' }
            @{ Name = 'Export-K8sAuditReport'; Command = 'Invoke-K8sServiceAccountAudit -AllNamespaces | Export-K8sAuditReport -Path (Join-Path $work "whatif-report.html") -WhatIf'; File = 'whatif-report.html' }
        )
    }

    BeforeAll {
        # The cluster as the cmdlets read it: every ServiceAccount's automount field and every legacy token's state;
        # and as kubectl reads it: every workload template's automount field and resourceVersion (any write moves it).
        function Get-ClusterState {
            (Get-K8sServiceAccount -AllNamespaces | Select-Object Namespace, Name, Uid, AutomountServiceAccountToken | ConvertTo-Csv | Out-String) +
            (Get-K8sLegacyToken -AllNamespaces | Select-Object Namespace, Name, Status, InvalidSince, LastUsed | ConvertTo-Csv | Out-String) +
            (Get-WorkloadState | Out-String)
        }
        function Get-WorkloadState {
            foreach ($resource in 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'cronjobs') {
                $json = & kubectl --kubeconfig $testSandbox.Kubeconfig get $resource -A -o json
                if ($LASTEXITCODE -ne 0) { throw "kubectl get $resource failed" }
                foreach ($item in ($json | Out-String | ConvertFrom-Json).items) {
                    $spec = if ($resource -eq 'cronjobs') { $item.spec.jobTemplate.spec.template.spec } else { $item.spec.template.spec }
                    # Read as a property that may be absent (not set), which build.ps1's strict mode does not allow as $spec.x.
                    $automount = $spec.PSObject.Properties['automountServiceAccountToken']
                    "$resource $($item.metadata.namespace)/$($item.metadata.name) rv=$($item.metadata.resourceVersion) automount=$(if ($automount) { $automount.Value } else { 'not set' })"
                }
            }
        }
    }

    It 'covers every cmdlet that writes' {
        $writers = Get-Command -Module SaTools | Where-Object { $_.Parameters.ContainsKey('WhatIf') } | ForEach-Object Name
        $writers | Where-Object { $_ -notin $whatIf.Name } | Should -BeNullOrEmpty
    }

    It '<Name> -WhatIf writes nothing and returns no token' -ForEach $whatIf {
        $before = Get-ClusterState
        $out = @(& ([scriptblock]::Create($Command)) 6>&1)
        $out | Where-Object { $_ -is [SaTools.Output.K8sBoundToken] } | Should -BeNullOrEmpty
        Get-ClusterState | Should -BeExactly $before
        if ($_['File']) { Join-Path $work $_['File'] | Should -Not -Exist }
    }

    It 'sees the workloads it compares' {
        @(Get-WorkloadState).Count | Should -BeGreaterThan 4
    }
}

Describe 'Ctrl+C' {
    BeforeAll {
        # A server that accepts connections and never answers: a cmdlet waits on it until it is stopped, so how fast
        # Stop() returns is how fast the cmdlet honours StopProcessing (not a request timeout).
        $script:silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $script:silentUrl = "https://127.0.0.1:$($silent.LocalEndpoint.Port)"
    }

    AfterAll {
        $silent.Stop()
    }

    It 'stops <Command> within 3 seconds' -ForEach @(
        @{ Command = 'Get-K8sServiceAccount -AllNamespaces' }
        @{ Command = 'Connect-K8sCluster' }
        @{ Command = 'Get-K8sServiceAccountUsage -AllNamespaces -Summary' }
    ) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($manifest, $server, $command)
                Import-Module $manifest
                $token = [System.Net.NetworkCredential]::new("", "silent-server-token").SecurePassword
                $PSDefaultParameterValues["*-K8s*:Server"] = $server
                $PSDefaultParameterValues["*-K8s*:Token"] = $token
                $PSDefaultParameterValues["*-K8s*:SkipTlsVerification"] = $true
                & ([scriptblock]::Create($command)) 3>$null').AddArgument($ModuleManifest).AddArgument($silentUrl).AddArgument($Command)
            $async = $ps.BeginInvoke()
            # Let it reach the request (module imported, connection open, TLS handshake waiting).
            Start-Sleep -Seconds 3
            $ps.InvocationStateInfo.State | Should -Be 'Running'
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            { $ps.EndInvoke($async) } | Should -Throw
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 3 -Because "Stop() took $($watch.Elapsed.TotalMilliseconds) ms"
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Listing order' {
    BeforeAll {
        # Two namespaces of which one extends the other with '-': the API lists "app-x/..." before "app/..." ('-' sorts
        # before '/'), so does kubectl get -A, and so must every SaTools listing, whichever way it reads.
        foreach ($ns in 'app', 'app-x') {
            & kubectl --kubeconfig $testSandbox.Kubeconfig create namespace $ns | Out-Null
            if ($LASTEXITCODE -ne 0) { throw "kubectl create namespace $ns failed" }
        }
        # Each namespace's default ServiceAccount comes from the sandbox's controller, a moment after the namespace.
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do {
            $script:kubectlOrder = @(& kubectl --kubeconfig $testSandbox.Kubeconfig get serviceaccounts -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\n"}{end}' |
                Where-Object { $_ })
            if ($LASTEXITCODE -ne 0) { throw 'kubectl get serviceaccounts -A failed' }
        } until (@('app/default', 'app-x/default' | Where-Object { $_ -notin $kubectlOrder }).Count -eq 0 -or [DateTime]::UtcNow -gt $deadline)
    }

    It 'kubectl lists app-x before app' {
        $kubectlOrder.IndexOf('app-x/default') | Should -BeLessThan $kubectlOrder.IndexOf('app/default')
    }

    It '<Command> gives kubectl''s order' -ForEach @(
        @{ Command = 'Get-K8sServiceAccount -AllNamespaces' }
        @{ Command = 'Get-K8sEffectivePermission -AllNamespaces -Summary' }
        @{ Command = 'Get-K8sEffectivePermission -Namespace * -Summary' }
        @{ Command = 'Get-K8sServiceAccountUsage -AllNamespaces -Summary' }
    ) {
        $rows = @(& ([scriptblock]::Create($Command)) | ForEach-Object {
                $name = if ($_.PSObject.Properties['ServiceAccount']) { $_.ServiceAccount } else { $_.Name }
                "$($_.Namespace)/$name"
            } | Select-Object -Unique)
        # The usage summary also names ServiceAccounts that pods use but that do not exist: kept in their place, not compared.
        @($rows | Where-Object { $_ -in $kubectlOrder }) | Should -Be $kubectlOrder
    }
}
