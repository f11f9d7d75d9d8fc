using Aisp.Benchmarks;
using BenchmarkDotNet.Running;

if (args.Length == 2 && args[0] == "--make-clip")
{
    BenchClip.Write(args[1]);
    return 0;
}

if (args.Length == 3 && args[0] == "--server-load")
{
    // The server's own user and password come from the environment, like OBS's.
    return await ServerLoad.RunAsync(new Uri(args[1]), new Uri(args[2]), Environment.GetEnvironmentVariable("AISP_BENCH_USER") ?? "bench",
        Environment.GetEnvironmentVariable("AISP_BENCH_PASSWORD") ?? "");
}

if (args.Length == 2 && args[0] == "--privacy-report")
{
    // The privacy quality report on the devset (scripts/privacy-report.sh), as Markdown on standard output.
    return PrivacyReport.Run(args[1], Environment.GetEnvironmentVariable("AISP_MODELS_DIR") ?? throw new InvalidOperationException("set AISP_MODELS_DIR"));
}

BenchmarkSwitcher.FromAssembly(typeof(BenchFrames).Assembly).Run(args);
return 0;
