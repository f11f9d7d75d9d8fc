using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Engines;

/// <summary>Builds the engine a settings value names (loading its own models, if it has any).</summary>
public static class EngineFactory
{
    public static IFrameEngine Create(PipelineSettings s, ILogger log) => s.Engine switch
    {
        EngineNames.Privacy => new PrivacyEngine(s.PrivacyMode, s.PrivacyStrength, s.PrivacyPadding),
        EngineNames.Morph => new MorphEngine(s.KeepExpression),
        EngineNames.Inswapper => InswapperEngine.Create(s, log),
        EngineNames.Ar => ArEngine.Create(s, log),
        EngineNames.Landmarks => new LandmarksOverlayEngine(),
        EngineNames.None => new PassThroughEngine(),
        _ => throw new AispException(ErrorKind.InvalidSettings, $"invalid settings: engine '{s.Engine}' is unknown"),
    };
}
