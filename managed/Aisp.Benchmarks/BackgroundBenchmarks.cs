using Aisp.Cli;
using Aisp.Core.Background;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aisp.Benchmarks;

/// <summary>
/// The background at 1280x720: what analysis does per analysed frame (the person mask on the
/// 640x360 analysis copy, refined, painted into the layer at the output's size), per model; and
/// what the CPU compositor does per drawn frame (the layer blended into the frame), per format.
/// </summary>
[MemoryDiagnoser]
public class BackgroundBenchmarks
{
    private BackgroundMatte _matte = null!;
    private PipelineSettings _settings = null!;
    private FrameBuffers _full = null!;
    private readonly FrameCopy _copy = new();
    private readonly BackgroundLayer _layer = new();

    [Params(BackgroundModels.Landscape, BackgroundModels.General)]
    public string Model { get; set; } = BackgroundModels.Landscape;

    [Params(PixelFormat.Bgra, PixelFormat.Nv12)]
    public PixelFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _settings = new PipelineSettings { ModelsDir = BenchFrames.ModelsDir, Background = BackgroundModes.Blur, BackgroundModel = Model, Threads = 1 };
        _matte = BackgroundMatte.Load(_settings, NullLogger.Instance);
        _full = BenchFrames.OneFace(1280, 720, Format);
        _copy.CopyFrom(_full.AsFrame()); // decimated to 640x360, as the pipeline's analysis sees it
        Analyse();
    }

    /// <summary>Analysis thread: segmenter, mask refinement, layer painting.</summary>
    [Benchmark]
    public string? Analyse() => _matte.Paint(_copy.View, _copy.Scale, _settings, null, _layer);

    /// <summary>Frame thread, CPU compositor: the layer into the frame.</summary>
    [Benchmark]
    public string? Blend() => LayerBlender.Blend(_full.AsFrame(), _layer);

    [GlobalCleanup]
    public void Cleanup()
    {
        _matte.Dispose();
        _full.Dispose();
    }
}
