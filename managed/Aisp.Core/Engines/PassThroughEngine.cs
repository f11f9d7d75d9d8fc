using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Settings;

namespace Aisp.Core.Engines;

/// <summary>Engine "none": leaves frames alone and lets the pipeline skip detection.</summary>
public sealed class PassThroughEngine : IFrameEngine
{
    public string Name => EngineNames.None;

    public bool NeedsFaces => false;

    public void Apply(in Frame frame, ReadOnlySpan<Face> faces)
    {
    }

    public void Dispose()
    {
    }
}
