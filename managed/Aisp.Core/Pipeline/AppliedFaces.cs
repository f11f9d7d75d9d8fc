using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Identities;
using Aisp.Core.Settings;
using Aisp.Core.Source;

namespace Aisp.Core.Pipeline;

/// <summary>
/// The faces one frame gets, on the frame thread: the newest analysis result's faces in output
/// pixels, predicted forward to the frame's timestamp, kept or dropped by privacy's rule per person,
/// with the boxes privacy also covers, and (for a swap) in runs by the source face each gets. Also
/// what the statistics count of them. Valid until the next frame.
/// </summary>
internal sealed class AppliedFaces
{
    private const double MaxPredictionSeconds = 0.1;

    private readonly SourceGroups _groups = new();
    private Face[] _faces = new Face[AnalysisResult.MaxFaces]; // grows (once) when privacy covers more faces than the per-face budget

    public int Count { get; private set; }

    /// <summary>Faces of the newest result (what the statistics count, also when the frame is covered whole).</summary>
    public int Found { get; private set; }

    /// <summary>Of those, faces the face library named.</summary>
    public int Known { get; private set; }

    /// <summary>Faces privacy covered on the newest frame (every face found when the frame is covered whole).</summary>
    public int Covered { get; private set; }

    /// <summary>Faces of the newest result beyond the per-face budget (covered from their boxes only).</summary>
    public int OverBudget { get; private set; }

    public Span<Face> Faces => _faces.AsSpan(0, Count);

    /// <summary>The runs of faces by source face (after <see cref="ArrangeBySource"/>).</summary>
    public ReadOnlySpan<SourceGroup> Groups => _groups.Groups;

    /// <summary>Takes the faces of <paramref name="result"/>, in output pixels, predicted forward to <paramref name="timestampNs"/>; returns the result's age in ms.</summary>
    public double Take(AnalysisResult result, long timestampNs)
    {
        double age = result.TimestampNs > 0 || result.Count > 0 ? (timestampNs - result.TimestampNs) / 1e9 : 0;
        float dt = (float)Math.Clamp(age, 0, MaxPredictionSeconds);
        Count = result.Count;
        Found = result.Count + result.CoverCount;
        OverBudget = result.OverBudget;
        Known = 0;
        for (int i = 0; i < result.Count; i++)
        {
            _faces[i] = result.Faces[i];
            if (result.Scale != 1)
            {
                _faces[i].Scale(result.Scale);
            }

            if (dt > 0)
            {
                _faces[i].Shift(_faces[i].Velocity.X * dt, _faces[i].Velocity.Y * dt);
            }
        }

        return age * 1000;
    }

    /// <summary>
    /// Counts the faces the library named and, for privacy, keeps only the faces its rule covers
    /// (everyone, all but the listed, only the listed), then adds the result's other boxes; for an
    /// engine that paints faces (<paramref name="realOnly"/>), keeps only the faces the mesh sees.
    /// </summary>
    public void ApplyIdentityRules(bool privacy, bool realOnly, PipelineSettings settings, AnalysisResult result)
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            Known += _faces[i].Identity is null ? 0 : 1;
            if (privacy ? PrivacyRule.Covers(_faces[i], settings) : !realOnly || PaintedFaces.Paintable(_faces[i]))
            {
                _faces[kept++] = _faces[i];
            }
        }

        Count = kept;
        if (privacy)
        {
            AppendCovers(result);
        }
    }

    /// <summary>One box the size of the frame instead of the faces: privacy covers the frame whole.</summary>
    public void CoverWhole(int width, int height)
    {
        _faces[0] = new Face { Box = new BoxF(0, 0, width, height), Score = 1 };
        Count = 1;
    }

    /// <summary>What privacy covered on this frame, for the statistics: none without privacy, every face found when the frame was covered whole.</summary>
    public void CountCovered(bool privacy, bool coveredWhole) => Covered = !privacy ? 0 : coveredWhole ? Found : Count;

    /// <summary>For a swap engine: puts the faces in runs by the source face each gets, leaving out faces left alone (swap_unknown "leave").</summary>
    public void ArrangeBySource(SourceBook sources, bool swapUnknown) => Count = _groups.Arrange(_faces.AsSpan(0, Count), sources, swapUnknown);

    /// <summary>
    /// Privacy covers every face found, not only those the per-face budget analysed: the boxes of
    /// faces over the budget, found in turned views or tiles, or lost and coasting join the faces as
    /// box-only faces (nobody recognised them, so every rule covers them).
    /// </summary>
    private void AppendCovers(AnalysisResult result)
    {
        ReadOnlySpan<BoxF> covers = result.Covers;
        if (Count + covers.Length > _faces.Length)
        {
            Array.Resize(ref _faces, Math.Max(Count + covers.Length, _faces.Length * 2)); // only when a frame has more faces than any before
        }

        float s = result.Scale;
        int n = Count;
        foreach (BoxF b in covers)
        {
            ref Face f = ref _faces[n++];
            f.Box = new BoxF(b.Left * s, b.Top * s, b.Right * s, b.Bottom * s);
            f.Score = 1;
            f.HasKeypoints = f.HasLandmarks = f.HasMesh = f.HasRoll = f.HasPose = f.HasPresence = f.Recognised = false;
            f.TrackId = 0;
            f.Identity = null;
            f.Velocity = default;
        }

        Count = n;
    }
}
