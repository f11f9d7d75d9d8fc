using Aisp.Core.Detection;
using Aisp.Core.Identities;
using Aisp.Core.Landmarks;
using Aisp.Core.Models;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>The detector and, when wanted, the landmarker: loaded together, replaced together.</summary>
public sealed class AnalysisModels : IDisposable
{
    public const string LandmarkModel = "landmarks-68";
    public const string MeshModel = "face-mesh-468";

    private AnalysisModels(IFaceDetector detector, ILandmarker? landmarker, FaceMesh? sourceMesh, FaceRecognizer? recognizer, RecognitionWorker? recognition, IdentitySet? identities, FaceMesh? verifier)
    {
        _verifier = verifier;
        SourceMesh = sourceMesh;
        Detector = detector;
        Landmarker = landmarker;
        Recognizer = recognizer;
        Recognition = recognition;
        Identities = identities;
    }

    private readonly FaceMesh? _verifier;

    public IFaceDetector Detector { get; }
    public ILandmarker? Landmarker { get; }

    /// <summary>With landmarks: the mesh that source pictures get on top of their 68 points (the mesh swap draws from it whatever the targets use).</summary>
    public FaceMesh? SourceMesh { get; }

    /// <summary>
    /// The mesh that checks what privacy's extra views (turned frames, tiles) find, since every extra
    /// look at the frame is one more chance to take a helmet or a clock for a face: BlazeFace's own
    /// checking mesh, else the source pictures' mesh when landmarks are loaded, else one of its own.
    /// </summary>
    public FaceMesh Verifier => _verifier ?? (Detector as MeshVerifiedDetector)?.Mesh ?? SourceMesh!;

    /// <summary>The detector privacy's extra views run: without BlazeFace's check, which they make themselves in the frame.</summary>
    public IFaceDetector ViewDetector => Detector is MeshVerifiedDetector m ? m.Unverified : Detector;

    /// <summary>With a face library in the settings and sync analysis (CLI, QA: deterministic): the recogniser, run inline.</summary>
    public FaceRecognizer? Recognizer { get; }

    /// <summary>With a face library and async analysis (the plugin): the recogniser on its own thread, so analysis never waits for it.</summary>
    public RecognitionWorker? Recognition { get; }

    /// <summary>The library's identities, when the settings name one.</summary>
    public IdentitySet? Identities { get; }

    public static AnalysisModels Load(PipelineSettings s, bool withLandmarks, ILogger log)
    {
        IFaceDetector detector = DetectorFactory.Create(s, log);
        ILandmarker? landmarker = null;
        FaceMesh? sourceMesh = null;
        FaceMesh? verifier = null;
        try
        {
            landmarker = withLandmarks || s.UsesIdentities
                ? LoadLandmarker(s, log)
                : null;
            sourceMesh = landmarker is null ? null : new FaceMesh(ModelCatalog.Load(s.ModelsDir).Get(MeshModel), s.ExecutionProvider, s.Threads, log);
            FaceRecognizer? recognizer = s.UsesIdentities ? FaceRecognizer.Load(s.ModelsDir, s.ExecutionProvider, s.Threads, log) : null;
            RecognitionWorker? worker = recognizer is not null && s.Analysis == AnalysisModes.Async ? new RecognitionWorker(recognizer, log) : null;
            IdentitySet? identities = s.UsesIdentities ? new IdentitySet(s.FaceLibrary, log) : null;
            verifier = detector is MeshVerifiedDetector || sourceMesh is not null ? null // BlazeFace's mesh or the source pictures' serves
                : new FaceMesh(ModelCatalog.Load(s.ModelsDir).Get(MeshModel), s.ExecutionProvider, s.Threads, log);
            return new AnalysisModels(detector, landmarker, sourceMesh, worker is null ? recognizer : null, worker, identities, verifier);
        }
        catch
        {
            detector.Dispose();
            landmarker?.Dispose();
            sourceMesh?.Dispose();
            verifier?.Dispose();
            throw;
        }
    }

    /// <summary>The landmarks the settings name (the mesh swap always takes the mesh): read off the 468-point mesh (any roll), or the 68-point model.</summary>
    public static ILandmarker LoadLandmarker(PipelineSettings s, ILogger log)
    {
        ModelCatalog catalog = ModelCatalog.Load(s.ModelsDir);
        return s.UsesMesh
            ? new MeshLandmarker(new FaceMesh(catalog.Get(MeshModel), s.ExecutionProvider, s.Threads, log), new FaceLandmarker(catalog.Get(LandmarkModel), s.ExecutionProvider, s.Threads, log))
            : new FaceLandmarker(catalog.Get(LandmarkModel), s.ExecutionProvider, s.Threads, log);
    }

    /// <summary>
    /// Whether these models serve the settings: same detector, and when landmarks are needed, the
    /// kind the settings take (mesh or 68). Landmarks loaded and not needed stay: switching between
    /// privacy and the mesh swap loads nothing.
    /// </summary>
    public bool Serve(PipelineSettings current, PipelineSettings next, bool withLandmarks) =>
        next.SameDetector(current) && (!withLandmarks || (Landmarker is not null && (Landmarker is MeshLandmarker) == next.UsesMesh));

    public void Dispose()
    {
        Detector.Dispose();
        Landmarker?.Dispose();
        SourceMesh?.Dispose();
        _verifier?.Dispose();
        Recognizer?.Dispose();
        Recognition?.Dispose();
    }
}
