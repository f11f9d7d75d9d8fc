using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Source;

namespace Aisp.Core.Pipeline;

/// <summary>
/// What a host's GPU compositor draws one frame from: the engine in use, the faces predicted to the
/// frame's time (output pixels) and, for a swap engine, the runs of those faces by source face.
/// </summary>
public readonly ref struct CompositeView(IFrameEngine engine, ReadOnlySpan<Face> faces, ReadOnlySpan<SourceGroup> sources, double resultAgeMs, string? notice = null, PreparedCrops? crops = null, Background.BackgroundLayer? background = null)
{
    public IFrameEngine Engine { get; } = engine;

    public ReadOnlySpan<Face> Faces { get; } = faces;

    /// <summary>Swap engines: each run of <see cref="Faces"/> and the source face it is swapped to; empty for other engines.</summary>
    public ReadOnlySpan<SourceGroup> Sources { get; } = sources;

    public double ResultAgeMs { get; } = resultAgeMs;

    /// <summary>Why the frame is covered whole (fail-closed privacy), or null.</summary>
    public string? Notice { get; } = notice;

    /// <summary>What analysis prepared for the faces' result (the mesh swap's crops), or null.</summary>
    public PreparedCrops? Crops { get; } = crops;

    /// <summary>The background layer to draw over the engine's result (setting "background"; it may not be ready, and then says why), or null.</summary>
    public Background.BackgroundLayer? Background { get; } = background;
}
