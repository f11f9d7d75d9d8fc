using Aisp.Core.Detection;
using Aisp.Core.Engines;

namespace Aisp.Core.Pipeline;

/// <summary>What analysis found in one frame: the faces (with landmarks and velocities) and when.</summary>
public sealed class AnalysisResult
{
    public const int MaxFaces = 16;

    public Face[] Faces { get; } = new Face[MaxFaces];

    public int Count { get; set; }

    /// <summary>Timestamp of the analysed frame.</summary>
    public long TimestampNs { get; set; }

    /// <summary>What this analysis provides (faces, landmarks): an engine is switched in only once a result serves it.</summary>
    public EngineNeeds Provides { get; set; }

    /// <summary>The inswapper's swapped faces, when it is the engine analysis worked for.</summary>
    public PreparedCrops Crops { get; } = new();

    /// <summary>The engine the crops were prepared by: a swap chosen since (a quick switch away and back) is not served by another's crops.</summary>
    public IFrameEngine? PreparedFor { get; set; }

    /// <summary>The background painted for this frame (setting "background"), at the output's size.</summary>
    public Background.BackgroundLayer Background { get; } = new();

    /// <summary>Output pixels per analysed pixel: faces are scaled by it before use.</summary>
    public float Scale { get; set; } = 1;

    /// <summary>Which handed-off frame this is (1, 2, ...; 0 for the empty result before any analysis): how far analysis is behind.</summary>
    public long Sequence { get; set; }

    /// <summary>When the result was published (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    public long PublishedTicks { get; set; }

    /// <summary>Milliseconds the analysis took (detection, landmarks, tracking).</summary>
    public double AnalysisMs { get; set; }

    private BoxF[] _covers = new BoxF[64];

    /// <summary>Boxes privacy covers besides <see cref="Faces"/> (faces over the per-face budget, found in turned views or tiles, or lost and coasting).</summary>
    public ReadOnlySpan<BoxF> Covers => _covers.AsSpan(0, CoverCount);

    public int CoverCount { get; private set; }

    /// <summary>Faces the detection round found beyond the per-face budget.</summary>
    public int OverBudget { get; set; }

    public void SetCovers(ReadOnlySpan<BoxF> covers)
    {
        if (covers.Length > _covers.Length)
        {
            _covers = new BoxF[Math.Max(covers.Length, _covers.Length * 2)]; // only when a frame has more faces than any before
        }

        covers.CopyTo(_covers);
        CoverCount = covers.Length;
    }

    public void CopyFrom(ReadOnlySpan<Face> faces, long timestampNs)
    {
        Count = Math.Min(faces.Length, MaxFaces);
        faces[..Count].CopyTo(Faces);
        TimestampNs = timestampNs;
    }
}
