using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Source;

namespace Aisp.Core.Pipeline;

/// <summary>What a host's GPU compositor draws one frame from: the engine in use, the faces predicted to the frame's time (output pixels), the source face.</summary>
public readonly ref struct CompositeView(IFrameEngine engine, ReadOnlySpan<Face> faces, SourceFace? source, double resultAgeMs, string? notice = null)
{
    public IFrameEngine Engine { get; } = engine;

    public ReadOnlySpan<Face> Faces { get; } = faces;

    public SourceFace? Source { get; } = source;

    public double ResultAgeMs { get; } = resultAgeMs;

    /// <summary>Why the frame is covered whole (fail-closed privacy), or null.</summary>
    public string? Notice { get; } = notice;
}
