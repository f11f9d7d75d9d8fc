using Aisp.Cli;
using Aisp.Core.Identities;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aisp.Benchmarks;

/// <summary>
/// What the analysis
/// of a 1280x720 frame costs with 1 and 5 faces, without a face library and with one (privacy
/// "everyone except" one enrolled person). With identities each track is embedded when it appears
/// and again every 3 s, at most 2 a frame, so the per-frame figure is the steady state.
/// </summary>
[MemoryDiagnoser]
public class RecognitionBenchmarks
{
    private FacePipeline _pipeline = null!;
    private FrameBuffers _frame = null!;
    private string _library = "";
    private long _timestamp;

    [Params(1, 5)]
    public int Faces { get; set; }

    [Params(false, true)]
    public bool Identities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new PipelineSettings { ModelsDir = BenchFrames.ModelsDir, Threads = 1 };
        using (FrameBuffers oneFace = BenchFrames.OneFace(1280, 720))
        using (FaceEmbedder embedder = FaceEmbedder.Load(settings, NullLogger.Instance))
        {
            EmbeddedFace found = embedder.Find(oneFace.AsFrame()).MaxBy(f => f.Box.Area)!;
            _library = Path.Combine(Directory.CreateTempSubdirectory("aisp-bench-").FullName, "faces.db");
            using FaceLibrary library = FaceLibrary.Open(_library, create: true);
            library.Enrol("Astronaut", [new EnrolledFace(found.Embedding, BenchFrames.Astronaut)], null);
        }

        _frame = BenchFrames.Faces(Faces);
        string identities = Identities ? $$""","face_library":"{{_library}}","privacy_rule":"except_listed","privacy_identities":"Astronaut" """ : "";
        _pipeline = FacePipeline.Create(
            $$"""{"models_dir":"{{BenchFrames.ModelsDir}}","engine":"privacy","threads":1,"quality":"quality"{{identities}}}""", NullLoggerFactory.Instance);
    }

    [Benchmark]
    public void AnalyseAndCoverPerFrame()
    {
        _timestamp += 33_333_333;
        _pipeline.Process(_frame.AsFrame(_timestamp));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _frame.Dispose();
        Directory.Delete(Path.GetDirectoryName(_library)!, recursive: true);
    }
}
