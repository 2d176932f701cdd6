return await KubeSandbox.Hosting.StandaloneHost.RunAsync(args);
