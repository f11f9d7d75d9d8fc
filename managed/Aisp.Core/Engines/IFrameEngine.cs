using Aisp.Core.Detection;
using Aisp.Core.Frames;

namespace Aisp.Core.Engines;

/// <summary>
/// The uniform processor interface: an engine changes a frame in place given the faces found in
/// it. Engines never allocate per frame and never touch pixels outside the regions they own.
/// </summary>
public interface IFrameEngine : IDisposable
{
    string Name { get; }

    /// <summary>False for engines that leave frames alone, so the pipeline can skip detection.</summary>
    bool NeedsFaces { get; }

    void Apply(in Frame frame, ReadOnlySpan<Face> faces);
}
