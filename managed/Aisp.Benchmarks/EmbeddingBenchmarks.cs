using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Identities;
using Aisp.Core.Pipeline;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aisp.Benchmarks;

/// <summary>One face embedding: the crop aligned to the ArcFace 112 template, then fr_feature.onnx (one thread).</summary>
[MemoryDiagnoser]
public class EmbeddingBenchmarks
{
    private readonly float[] _embedding = new float[FaceRecognizer.Dimensions];
    private FaceRecognizer _recognizer = null!;
    private FrameBuffers _frame = null!;
    private Face _face;

    [GlobalSetup]
    public void Setup()
    {
        _recognizer = FaceRecognizer.Load(BenchFrames.ModelsDir, "cpu", 1, NullLogger.Instance);
        _frame = BenchFrames.OneFace(1280, 720);
        using var landmarks = FacePipeline.Create($$"""{"models_dir":"{{BenchFrames.ModelsDir}}","engine":"landmarks","threads":1}""", NullLoggerFactory.Instance);
        landmarks.Process(_frame.AsFrame());
        _face = landmarks.LastFaces[0];
    }

    [Benchmark]
    public bool EmbedOneFace() => _recognizer.Embed(_frame.AsFrame(), _face, _embedding);

    [GlobalCleanup]
    public void Cleanup()
    {
        _recognizer.Dispose();
        _frame.Dispose();
    }
}
