using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Settings;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aisp.Benchmarks;

/// <summary>Detection per frame (sampling into the model input + inference + decoding + NMS), one inference thread.</summary>
[MemoryDiagnoser]
public class DetectBenchmarks
{
    private IFaceDetector _detector = null!;
    private FrameBuffers _frame = null!;
    private readonly List<Face> _faces = new(16);

    [Params(DetectorNames.UltraFace, DetectorNames.BlazeFaceBack)]
    public string Detector { get; set; } = DetectorNames.Default;

    [Params("640x360", "1280x720")]
    public string Size { get; set; } = "1280x720";

    [GlobalSetup]
    public void Setup()
    {
        int w = int.Parse(Size.Split('x')[0], System.Globalization.CultureInfo.InvariantCulture);
        int h = int.Parse(Size.Split('x')[1], System.Globalization.CultureInfo.InvariantCulture);
        _frame = BenchFrames.OneFace(w, h);
        _detector = DetectorFactory.Create(new PipelineSettings { ModelsDir = BenchFrames.ModelsDir, Detector = Detector, Threads = 1 }, NullLogger.Instance);
    }

    [Benchmark]
    public int Detect()
    {
        _detector.Detect(_frame.AsFrame(), 0.6f, _faces);
        return _faces.Count;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _detector.Dispose();
        _frame.Dispose();
    }
}
