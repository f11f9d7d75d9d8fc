using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Aisp.Core.Source;

namespace Aisp.Core.Engines;

/// <summary>Engine "none": leaves frames alone and lets the pipeline skip detection.</summary>
public sealed class PassThroughEngine : IFrameEngine
{
    public string Name => EngineNames.None;

    public EngineNeeds Needs => EngineNeeds.None;

    public bool DrawsOnGpu => true;

    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source) => null;

    public void Dispose()
    {
    }
}
