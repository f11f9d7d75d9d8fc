using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Aisp.Benchmarks.BenchFrames).Assembly).Run(args);
