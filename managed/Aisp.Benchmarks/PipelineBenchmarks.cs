using Aisp.Cli;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

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

    [Params("none", "privacy", "landmarks", "morph")]
    public string Engine { get; set; } = "privacy";

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchFrames.OneFace(1280, 720);
        _pipeline = FacePipeline.Create($$"""{"models_dir":"{{BenchFrames.ModelsDir}}","engine":"{{Engine}}","threads":1,"quality":"quality"}""", NullLoggerFactory.Instance);
        using Mat source = Cv2.ImRead("/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg", ImreadModes.Color);
        using var sourceBuffers = new FrameBuffers(PixelFormat.Bgra);
        sourceBuffers.Load(source);
        _pipeline.SetSourceImage(sourceBuffers.AsFrame(), "grace_hopper");
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
