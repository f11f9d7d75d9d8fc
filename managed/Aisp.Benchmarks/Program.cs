using Aisp.Benchmarks;
using BenchmarkDotNet.Running;

if (args.Length == 2 && args[0] == "--make-clip")
{
    BenchClip.Write(args[1]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchFrames).Assembly).Run(args);
