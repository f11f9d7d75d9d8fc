using Aisp.Core.Background;
using Aisp.Core.Engines;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>What new settings need before they take effect: the engine, the analysis models and the person mask's model, built while the old ones still serve frames.</summary>
internal sealed record PipelineParts(PipelineSettings Settings, IFrameEngine Engine, AnalysisModels? Models, bool NewModels, BackgroundMatte? Matte);

/// <summary>
/// A settings change as a transaction: parse, then build everything the new settings need (the slow
/// part: loading models), reusing what already serves them; only then does the pipeline swap them
/// in. A failure disposes what was built and throws, and the settings in effect stay.
/// </summary>
internal static class SettingsTransaction
{
    /// <summary>Parses JSON over <paramref name="basis"/> (a partial object changes only its keys); keys the filter does not know are logged and ignored.</summary>
    public static PipelineSettings Parse(string? json, PipelineSettings basis, ILogger log)
    {
        var unknown = new List<string>();
        PipelineSettings s = SettingsParser.Parse(json, basis, unknown);
        if (unknown.Count > 0)
        {
            log.LogDebug("Ignored settings keys: {Keys}", string.Join(", ", unknown));
        }

        return s;
    }

    /// <summary>
    /// Builds the parts <paramref name="next"/> needs. The <paramref name="models"/> and
    /// <paramref name="matte"/> in use (made for <paramref name="current"/>) are kept when they
    /// serve the new settings, unless <paramref name="reload"/> asks for all of them anew.
    /// </summary>
    public static PipelineParts Build(PipelineSettings current, PipelineSettings next, AnalysisModels? models, BackgroundMatte? matte, bool reload, ILogger log)
    {
        IFrameEngine engine = EngineFactory.Create(next, log);
        bool landmarks = NeedsLandmarks(engine, next);
        bool newModels = NeedsModels(engine) && (reload || models is null || !models.Serve(current, next, landmarks));
        BackgroundMatte? keptMatte = next.UsesBackground && matte is not null && matte.Serves(next) && !reload ? matte : null;
        AnalysisModels? loaded = null;
        try
        {
            if (newModels)
            {
                loaded = AnalysisModels.Load(next, landmarks, log); // the slow part, before any swap
            }

            BackgroundMatte? nextMatte = keptMatte ?? (next.UsesBackground ? BackgroundMatte.Load(next, log) : null);
            return new PipelineParts(next, engine, newModels ? loaded : models, newModels, nextMatte);
        }
        catch
        {
            engine.Dispose();
            loaded?.Dispose();
            throw;
        }
    }

    /// <summary>Whether analysis needs its models at all: the engine works on faces.</summary>
    public static bool NeedsModels(IFrameEngine engine) => (engine.Needs & EngineNeeds.Faces) != 0;

    /// <summary>Whether analysis must landmark faces: the engine draws by them, or recognition aligns by them.</summary>
    public static bool NeedsLandmarks(IFrameEngine engine, PipelineSettings s) =>
        (engine.Needs & EngineNeeds.Landmarks) == EngineNeeds.Landmarks || s.UsesIdentities;
}
