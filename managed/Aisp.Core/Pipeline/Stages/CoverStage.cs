using System.Diagnostics;
using System.Runtime.InteropServices;
using Aisp.Core.Coverage;
using Aisp.Core.Detection;
using Aisp.Core.Frames;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>
/// Privacy's search for every face (runs only when the engine in use or about to take over fails
/// closed). On each detection round it adds to the upright whole-frame run one extra detector run
/// (<see cref="CoverViews"/>: the frame turned, with mirrored margins, or a tile for small faces;
/// all of them on a file's first round), merges what they find with what the upright run found (over the per-face budget
/// too) and keeps every face in <see cref="CoverTracks"/>, where a face a round loses coasts with
/// growing padding before it is dropped. The boxes that no per-face result already covers go to
/// <see cref="AnalysisPass.Covers"/>. Between rounds the boxes coast on their velocities.
/// </summary>
internal sealed class CoverStage(PipelineStats stats) : IAnalysisStage
{
    /// <summary>Frames further apart than this (or going back in time) start over: the faces known no longer hold, and every view is searched again.</summary>
    private const long CutNs = 1_000_000_000;

    /// <summary>Faces at least this size (frame px) must show the mesh's full presence (above 0, as BlazeFace's finds must).</summary>
    private const float LargeFace = 40;

    /// <summary>The presence a small find must show: lower than a large one's 0, since a face of 8-20 px blurred by distance scores lower (a crowd's back rows) while paws and leaves stay below -3.</summary>
    private const float SmallPresence = -2;

    /// <summary>
    /// Extra views per detection round (a file's first round runs them all): one, about 3-4 ms at 1280x720 with UltraFace. The level sets how
    /// often detection rounds come (every frame at "quality", every third or sixth below), so the
    /// search's share of a core follows the adaptive quality like the rest of analysis.
    /// </summary>
    public const int Budget = 1;

    private readonly CoverViews _views = new();
    private readonly CoverTracks _tracks = new();
    private readonly DetectionView _view = new();
    private readonly List<Face> _found = new(64);
    private readonly Landmarks.Point3[] _points = new Landmarks.Point3[Landmarks.FaceMesh.Count];
    private readonly List<Sighting> _sightings = new(64);
    private bool[] _ran = new bool[64];
    private int[] _picked = new int[64];
    private IFaceDetector? _detector;
    private long? _lastNs;

    public void Run(AnalysisPass pass)
    {
        pass.Covers.Clear();
        if (!pass.WantCoverage)
        {
            _tracks.Clear();
            _detector = null;
            return;
        }

        IFaceDetector detector = pass.Models!.Detector;
        (int iw, int ih) = detector.InputSize;
        long ts = pass.Frame.TimestampNs;
        bool cut = _lastNs is not { } last || ts <= last || ts - last > CutNs; // a new picture, a file run again, or a stream that stopped
        _lastNs = ts;
        bool resized = _views.Prepare(pass.Frame.Width, pass.Frame.Height, iw, ih);
        if (resized || !ReferenceEquals(detector, _detector) || (cut && pass.Detected))
        {
            // A new size, detector or scene: the faces known no longer hold, and a file searches every view again.
            _detector = detector;
            _tracks.Clear();
            _views.Restart();
        }

        if (!pass.Detected)
        {
            _tracks.Coast(pass.Dt);
            Publish(pass);
            return;
        }

        long start = Stopwatch.GetTimestamp();
        int views = _views.Views.Count;
        if (_ran.Length < views)
        {
            _ran = new bool[views * 2];
            _picked = new int[views * 2];
        }

        Array.Clear(_ran);
        _ran[0] = true;
        _sightings.Clear();
        _sightings.AddRange(pass.Found);
        int picked = _views.Pick(_tracks, Budget, pass.Settings.Analysis == Settings.AnalysisModes.Sync, _picked);
        for (int i = 0; i < picked; i++)
        {
            int v = _picked[i];
            _ran[v] = true;
            ViewSpec spec = _views.Views[v];
            Frame view = _view.Render(pass.Frame, spec);
            pass.Models.ViewDetector.Detect(view, pass.Settings.Confidence, _found);
            foreach (ref readonly Face f in CollectionsMarshal.AsSpan(_found))
            {
                BoxF box = _view.ToFrame(f.Box);
                if (!Seen(box) && InFrame(box, pass.Frame) && Verified(pass.Models, f, pass.Frame, box, spec))
                {
                    _sightings.Add(new Sighting(box, v));
                }
            }
        }

        _tracks.Update(CollectionsMarshal.AsSpan(_sightings), _ran, pass.Frame.TimestampNs, pass.Dt);
        Publish(pass);
        stats.RecordStage(Stage.Cover, (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency);
    }

    /// <summary>
    /// Whether the mesh sees a face where an extra view found one: every extra look at the frame is
    /// one more chance to take a paw, a leaf or a clock for a face. The mesh looks in the frame itself,
    /// at full resolution and at the view's roll (views are rendered as small as the detector's input),
    /// where it judges even faces of 8-20 px well (presence 7 to 14 on a scanned class photo, below -3
    /// on a tiger's paws); small faces, blurred by distance, get a lower bar.
    /// </summary>
    private bool Verified(AnalysisModels models, in Face find, in Frame frame, in BoxF inFrame, in ViewSpec spec)
    {
        PointF c = inFrame.Centre;
        float hw = find.Box.Width / spec.Scale / 2, hh = find.Box.Height / spec.Scale / 2;
        float roll = _view.Roll + MeshVerifiedDetector.KeypointRoll(find);
        float presence = models.Verifier.Run(frame, new BoxF(c.X - hw, c.Y - hh, c.X + hw, c.Y + hh), roll, _points);
        return presence > (2 * Math.Min(hw, hh) >= LargeFace ? 0 : SmallPresence);
    }

    /// <summary>Whether enough of a find lies inside the frame to be a face there: the mirrored view also shows the mirror images of faces near an edge, which lie wholly outside.</summary>
    private static bool InFrame(in BoxF box, in Frame frame) => box.Intersection(new BoxF(0, 0, frame.Width, frame.Height)) >= 0.3f * box.Area;

    /// <summary>Whether a face of this round already stands for this box (found by the upright run or an earlier view).</summary>
    private bool Seen(in BoxF box)
    {
        foreach (Sighting s in _sightings)
        {
            if (CoverTracks.Overlap(s.Box, box) > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tracked boxes that no per-face result (the budgeted faces) stands for: none holds most of the box (a coasting or partly hidden face's box is larger than what was found of it this round).</summary>
    private void Publish(AnalysisPass pass)
    {
        ReadOnlySpan<Face> faces = CollectionsMarshal.AsSpan(pass.Faces);
        for (int i = 0; i < _tracks.Count; i++)
        {
            BoxF box = _tracks.Box(i);
            bool detailed = false;
            foreach (ref readonly Face f in faces)
            {
                if (f.Box.Intersection(box) >= 0.8f * box.Area)
                {
                    detailed = true;
                    break;
                }
            }

            if (!detailed)
            {
                pass.Covers.Add(box);
            }
        }
    }
}
