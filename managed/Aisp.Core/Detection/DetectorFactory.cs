using Aisp.Core.Models;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Detection;

/// <summary>Builds the detector a settings value names, from the model catalog in its models_dir.</summary>
public static class DetectorFactory
{
    public static IFaceDetector Create(PipelineSettings settings, ILogger logger)
    {
        ModelCatalog catalog = ModelCatalog.Load(settings.ModelsDir);
        ModelEntry entry = catalog.Get(settings.Detector);
        return entry.Family switch
        {
            // BlazeFace alone finds faces on cats and textures at the default confidence: the mesh checks each find.
            "blazeface" => new MeshVerifiedDetector(new BlazeFaceDetector(entry, settings.ExecutionProvider, settings.Threads, logger),
                new Landmarks.FaceMesh(catalog.Get("face-mesh-468"), settings.ExecutionProvider, settings.Threads, logger)),
            "ultraface" => new UltraFaceDetector(entry, settings.ExecutionProvider, settings.Threads, logger),
            _ => throw new AispException(ErrorKind.Model, $"model '{entry.Name}' has family '{entry.Family}', which no detector implements"),
        };
    }
}
