using SaTools.Benchmarks;
using SaTools.Benchmarks.Reporting;

// The scale benchmark (issue 7). Exit 0 whatever the targets say (it is a report); 2 on bad arguments;
// 1 when the benchmark itself crashes, so CI notices a benchmark that has rotted.
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("usage: " + BenchmarkOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    var report = await new BenchmarkRunner(options, Console.Out).RunAsync(cancellation.Token);
    var targets = Targets.Check(report);
    Console.WriteLine();
    ResultTable.Print(report, targets, Console.Out);
    JsonReport.Write(report, targets, options.OutputPath);
    Console.WriteLine();
    Console.WriteLine($"Results written to {Path.GetFullPath(options.OutputPath)}");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine("The benchmark crashed: " + e);
    return 1;
}
