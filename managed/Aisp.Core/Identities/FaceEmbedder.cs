using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Identities;

/// <summary>One face of a still picture: where it is and who it looks like (unit embedding).</summary>
public sealed record EmbeddedFace(int Index, BoxF Box, float Score, float[] Embedding);

/// <summary>
/// Finds every face of a still picture (enrolment photos, "identify") with the settings' detector,
/// landmarks it and embeds it: the same models and alignment as the live pipeline uses.
/// </summary>
public sealed class FaceEmbedder : IDisposable
{
    private readonly AnalysisModels _models;
    private readonly FaceRecognizer _recognizer;
    private readonly float _confidence;

    private FaceEmbedder(AnalysisModels models, FaceRecognizer recognizer, float confidence)
    {
        _models = models;
        _recognizer = recognizer;
        _confidence = confidence;
    }

    public static FaceEmbedder Load(PipelineSettings settings, ILogger log)
    {
        AnalysisModels models = AnalysisModels.Load(settings, withLandmarks: true, log);
        try
        {
            return new FaceEmbedder(models, FaceRecognizer.Load(settings.ModelsDir, settings.ExecutionProvider, settings.Threads, log), settings.Confidence);
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }

    /// <summary>Every face found, in the detector's order (best score first); faces that cannot be aligned are left out.</summary>
    public IReadOnlyList<EmbeddedFace> Find(in Frame image)
    {
        var faces = new List<Face>();
        _models.Detector.Detect(image, _confidence, faces);
        var found = new List<EmbeddedFace>(faces.Count);
        for (int i = 0; i < faces.Count; i++)
        {
            Face face = faces[i];
            _models.Landmarker!.Locate(image, ref face);
            var embedding = new float[FaceRecognizer.Dimensions];
            if (_recognizer.Embed(image, face, embedding))
            {
                found.Add(new EmbeddedFace(found.Count, face.Box, face.Score, embedding));
            }
        }

        return found;
    }

    public void Dispose()
    {
        _recognizer.Dispose();
        _models.Dispose();
    }
}
