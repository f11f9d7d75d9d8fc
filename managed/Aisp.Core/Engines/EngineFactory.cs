using Aisp.Core.Settings;

namespace Aisp.Core.Engines;

/// <summary>Builds the engine a settings value names.</summary>
public static class EngineFactory
{
    public static IFrameEngine Create(PipelineSettings s) => s.Engine switch
    {
        EngineNames.Privacy => new PrivacyEngine(s.PrivacyMode, s.PrivacyStrength, s.PrivacyPadding),
        EngineNames.None => new PassThroughEngine(),
        _ => throw new AispException(ErrorKind.InvalidSettings, $"invalid settings: engine '{s.Engine}' is unknown"),
    };
}
