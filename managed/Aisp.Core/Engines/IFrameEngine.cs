using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Source;

namespace Aisp.Core.Engines;

/// <summary>What an engine needs the pipeline to provide before <see cref="IFrameEngine.Apply"/>.</summary>
[Flags]
public enum EngineNeeds
{
    None = 0,
    Faces = 1,
    Landmarks = 2 | Faces,
    SourceFace = 4,

    /// <summary>Per-face work too slow for the frame thread (a swap model) runs on the analysis thread, from the whole frame (<see cref="IFrameEngine.Prepare"/>).</summary>
    Prepared = 8,

    /// <summary>Analysis reads the frame's own pixels at full resolution (a swap model's input, privacy's tiles for small faces): it gets the frame undecimated.</summary>
    FullResolution = 16,

    /// <summary>Every face must be found and covered (privacy): analysis also searches turned views and tiles and keeps lost faces covered a while (<see cref="Coverage.CoverTracks"/>).</summary>
    Coverage = 32 | Faces,

    /// <summary>
    /// The engine paints a face (AR, swaps): only faces the mesh sees as faces get it (presence at
    /// least <see cref="PaintedFaces.PaintPresence"/>), so a sleeve, a clock or a dog the
    /// detector took for a face is left alone. Privacy never asks this: it covers every detection.
    /// </summary>
    RealFaces = 64 | Landmarks,
}

/// <summary>
/// The uniform processor interface: an engine changes a frame in place given the faces found in
/// it (and the source face, for swaps). Engines never allocate per frame in steady state and never
/// touch pixels outside the regions they own.
/// </summary>
public interface IFrameEngine : IDisposable
{
    string Name { get; }

    EngineNeeds Needs { get; }

    /// <summary>Changes the frame; returns a notice for the status line when it could not do its job (e.g. no source face), else null.</summary>
    string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source);

    /// <summary>
    /// On the analysis thread, for engines that need <see cref="EngineNeeds.Prepared"/>: the slow
    /// per-face work, added to <paramref name="into"/>, which travels with the analysis result (the
    /// pipeline clears it per result and calls this once per run of faces sharing a source face).
    /// </summary>
    void Prepare(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source, PreparedCrops into)
    {
    }

    /// <summary>Changes the frame using what <see cref="Prepare"/> made for the result these faces come from; engines that prepare nothing ignore it.</summary>
    string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source, PreparedCrops prepared) => Apply(frame, faces, source);

    /// <summary>
    /// Whether a frame this engine cannot vouch for must be covered whole rather than shown: true for
    /// privacy, whose failure would show a face. The pipeline then hands the engine one face the
    /// size of the frame until an analysis result that is fresh and has faces serves it.
    /// </summary>
    bool FailsClosed => false;

    /// <summary>Whether a host's GPU compositor can draw this engine's result (see Aisp.Native/Gpu); engines that cannot always paint on the CPU.</summary>
    bool DrawsOnGpu => false;

    /// <summary>Adapts the engine's own cost to the quality level in effect (called on the frame thread, between frames).</summary>
    void SetQuality(Pipeline.QualityLevel level)
    {
    }
}
