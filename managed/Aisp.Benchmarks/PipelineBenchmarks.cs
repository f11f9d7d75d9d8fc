using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace Aisp.Benchmarks;

/// <summary>
/// A whole frame through the pipeline (detection, landmarks when the engine needs them, engine)
/// at 1280x720 with one face, per engine; and the morph engine alone on that frame.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private FacePipeline _pipeline = null!;
    private FrameBuffers _frame = null!;
    private MorphEngine _morph = null!;
    private Face[] _faces = [];

    [Params("none", "privacy", "landmarks", "morph")]
    public string Engine { get; set; } = "privacy";

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchFrames.OneFace(1280, 720);
        _pipeline = FacePipeline.Create($$"""{"models_dir":"{{BenchFrames.ModelsDir}}","engine":"{{Engine}}","threads":1}""", NullLoggerFactory.Instance);
        using Mat source = Cv2.ImRead("/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg", ImreadModes.Color);
        using var sourceBuffers = new FrameBuffers(PixelFormat.Bgra);
        sourceBuffers.Load(source);
        _pipeline.SetSourceImage(sourceBuffers.AsFrame(), "grace_hopper");
        _pipeline.Process(_frame.AsFrame());
        _faces = _pipeline.LastFaces.ToArray();
        _morph = new MorphEngine(keepExpression: true);
    }

    [Benchmark]
    public void Pipeline() => _pipeline.Process(_frame.AsFrame());

    /// <summary>The morph engine alone (warp, colour transfer, feathered blend), faces given.</summary>
    [Benchmark]
    public string? MorphEngineOnly() => Engine == "morph" ? _morph.Apply(_frame.AsFrame(), _faces, _pipeline.Source) : null;

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _frame.Dispose();
    }
}
