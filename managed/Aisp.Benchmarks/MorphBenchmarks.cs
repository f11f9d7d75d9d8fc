using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

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
        _pipeline = FacePipeline.Create($$"""{"models_dir":"{{BenchFrames.ModelsDir}}","engine":"landmarks"}""", NullLoggerFactory.Instance);
        using Mat source = Cv2.ImRead("/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg", ImreadModes.Color);
        using var sourceBuffers = new FrameBuffers(PixelFormat.Bgra);
        sourceBuffers.Load(source);
        _pipeline.SetSourceImage(sourceBuffers.AsFrame(), "grace_hopper");
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
