using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using BenchmarkDotNet.Attributes;

namespace Aisp.Benchmarks;

/// <summary>The privacy engine on one 200-pixel face of a 1280x720 frame, per format and mode.</summary>
[MemoryDiagnoser]
public class PrivacyBenchmarks
{
    private readonly Face[] _faces = [new Face { Box = new BoxF(540, 260, 740, 480), Score = 1 }];
    private FrameBuffers _frame = null!;
    private PrivacyEngine _engine = null!;

    [Params(PrivacyMode.Pixelate, PrivacyMode.Blur)]
    public PrivacyMode Mode { get; set; }

    [Params(PixelFormat.Bgra, PixelFormat.Nv12)]
    public PixelFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchFrames.OneFace(1280, 720, Format);
        _engine = new PrivacyEngine(Mode, 50, 0.2f);
    }

    [Benchmark]
    public string? Apply() => _engine.Apply(_frame.AsFrame(), _faces, null);

    [GlobalCleanup]
    public void Cleanup() => _frame.Dispose();
}
