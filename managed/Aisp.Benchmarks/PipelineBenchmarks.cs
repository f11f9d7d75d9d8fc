using Aisp.Cli;
using Aisp.Core.Pipeline;
using BenchmarkDotNet.Attributes;

namespace Aisp.Benchmarks;

/// <summary>
/// A whole frame through the pipeline in sync mode (detection every frame, landmarks when the
/// engine needs them, engine) at 1280x720 with one face, per engine.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private FacePipeline _pipeline = null!;
    private FrameBuffers _frame = null!;

    [Params("none", "privacy", "landmarks", "morph", "ar")]
    public string Engine { get; set; } = "privacy";

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchFrames.OneFace(1280, 720);
        _pipeline = BenchFrames.PipelineWithSource(Engine);
    }

    [Benchmark]
    public void Pipeline() => _pipeline.Process(_frame.AsFrame());

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _frame.Dispose();
    }
}
