using Aisp.Cli;
using Aisp.Core.Pipeline;
using BenchmarkDotNet.Attributes;

namespace Aisp.Benchmarks;

/// <summary>
/// Analysis per frame at each quality level: full detection on the level's cadence (every frame,
/// every 3rd, every 6th) and landmarks on every frame, on a 1280x720 frame with one face. The
/// engine is the landmarks overlay, whose painting is a few dots (well under 0.1 ms), so the
/// figure is the analysis a frame costs on average.
/// </summary>
[MemoryDiagnoser]
public class AnalysisBenchmarks
{
    private FacePipeline _pipeline = null!;
    private FrameBuffers _frame = null!;
    private long _timestamp;

    [Params("quality", "balanced", "performance")]
    public string Quality { get; set; } = "quality";

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchFrames.OneFace(1280, 720);
        _pipeline = FacePipeline.Create(
            $$"""{"models_dir":"{{BenchFrames.ModelsDir}}","engine":"landmarks","threads":1,"quality":"{{Quality}}"}""",
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
    }

    [Benchmark]
    public void AnalysePerFrame()
    {
        _timestamp += 33_333_333;
        _pipeline.Process(_frame.AsFrame(_timestamp));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _frame.Dispose();
    }
}
