using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Pipeline;
using BenchmarkDotNet.Attributes;

namespace Aisp.Benchmarks;

/// <summary>The morph engine alone (warp, colour transfer, feathered blend) on one face of a 1280x720 frame, faces given.</summary>
[MemoryDiagnoser]
public class MorphBenchmarks
{
    private FacePipeline _pipeline = null!;
    private FrameBuffers _frame = null!;
    private MorphEngine _morph = null!;
    private Face[] _faces = [];

    [Params(QualityLevel.Quality, QualityLevel.Performance)]
    public QualityLevel Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchFrames.OneFace(1280, 720);
        _pipeline = BenchFrames.PipelineWithSource("landmarks");
        using var probe = BenchFrames.OneFace(1280, 720);
        _pipeline.Process(probe.AsFrame());
        _faces = _pipeline.LastFaces.ToArray();
        _morph = new MorphEngine(keepExpression: true);
        _morph.SetQuality(Level);
    }

    [Benchmark]
    public string? Apply() => _morph.Apply(_frame.AsFrame(), _faces, _pipeline.Source);

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _frame.Dispose();
    }
}
