using Aisp.Core.Detection;
using Aisp.Core.Landmarks;
using Aisp.Core.Models;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>The detector and, when wanted, the landmarker: loaded together, replaced together.</summary>
public sealed class AnalysisModels : IDisposable
{
    public const string LandmarkModel = "landmarks-68";

    private AnalysisModels(IFaceDetector detector, FaceLandmarker? landmarker)
    {
        Detector = detector;
        Landmarker = landmarker;
    }

    public IFaceDetector Detector { get; }
    public FaceLandmarker? Landmarker { get; }

    public static AnalysisModels Load(PipelineSettings s, bool withLandmarks, ILogger log)
    {
        IFaceDetector detector = DetectorFactory.Create(s, log);
        try
        {
            FaceLandmarker? landmarker = withLandmarks
                ? new FaceLandmarker(ModelCatalog.Load(s.ModelsDir).Get(LandmarkModel), s.ExecutionProvider, s.Threads, log)
                : null;
            return new AnalysisModels(detector, landmarker);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>Whether these models serve the settings (same detector, and landmarks when needed).</summary>
    public bool Serve(PipelineSettings current, PipelineSettings next, bool withLandmarks) =>
        next.SameDetector(current) && (!withLandmarks || Landmarker is not null);

    public void Dispose()
    {
        Detector.Dispose();
        Landmarker?.Dispose();
    }
}
