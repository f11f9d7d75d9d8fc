using Aisp.Core.Models;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Detection;

/// <summary>Builds the detector a settings value names, from the model catalog in its models_dir.</summary>
public static class DetectorFactory
{
    public static IFaceDetector Create(PipelineSettings settings, ILogger logger)
    {
        ModelEntry entry = ModelCatalog.Load(settings.ModelsDir).Get(settings.Detector);
        return entry.Family switch
        {
            "blazeface" => new BlazeFaceDetector(entry, settings.ExecutionProvider, settings.Threads, logger),
            "ultraface" => new UltraFaceDetector(entry, settings.ExecutionProvider, settings.Threads, logger),
            _ => throw new AispException(ErrorKind.Model, $"model '{entry.Name}' has family '{entry.Family}', which no detector implements"),
        };
    }
}
