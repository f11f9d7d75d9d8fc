using Aisp.Core.Detection;

namespace Aisp.Core.Landmarks;

/// <summary>
/// Gives faces stable ids across frames (greedy IoU matching with the previous frame) and, when
/// asked, smooths each tracked face's landmarks with One Euro filters. Coordinates are filtered
/// in units of the face's size when its track began, so one setting works for near and far faces. A face that is not
/// matched starts a new track; tracks of faces gone are dropped. Preallocated: no per-frame allocation.
/// </summary>
public sealed class FaceTracker
{
    public const int MaxTracks = 16;
    private const float MatchIoU = 0.3f;
    private const float Beta = 2.0f;      // how fast the cutoff opens with speed (in face sizes per second)

    private readonly Track[] _tracks = new Track[MaxTracks];
    private readonly Track[] _next = new Track[MaxTracks];
    private int _count;
    private int _nextId = 1;
    private long _lastTimestampNs = -1;

    /// <param name="smoothing">0..1; the One Euro filter's cutoff for a still face is 10^(1 - 2 smoothing) Hz: 10 Hz at 0 (barely smoothed), 1 Hz at 0.5, 0.1 Hz at 1.</param>
    public void Update(Span<Face> faces, long timestampNs, bool stabilize, float smoothing = 0.5f)
    {
        float minCutoff = MathF.Pow(10, 1 - (2 * Math.Clamp(smoothing, 0, 1)));
        float dt = _lastTimestampNs >= 0 && timestampNs > _lastTimestampNs ? (timestampNs - _lastTimestampNs) / 1e9f : 1f / 30f;
        _lastTimestampNs = timestampNs;
        Span<bool> used = stackalloc bool[MaxTracks];
        int nextCount = 0;
        for (int f = 0; f < faces.Length && nextCount < MaxTracks; f++)
        {
            ref Face face = ref faces[f];
            int best = -1;
            float bestIoU = MatchIoU;
            for (int t = 0; t < _count; t++)
            {
                float iou = used[t] ? 0 : _tracks[t].Box.IoU(face.Box);
                if (iou > bestIoU)
                {
                    (best, bestIoU) = (t, iou);
                }
            }

            Track track;
            if (best >= 0)
            {
                used[best] = true;
                track = _tracks[best];
            }
            else
            {
                // A new face (not steady state): its filters and its fixed scale.
                track = new Track { Id = _nextId++, Scale = MathF.Max(1, face.Box.Width), Filters = new OneEuroFilter[FaceLandmarks.Count * 2] };
            }

            // Velocity of the box centre, smoothed: what prediction to a later frame's time uses.
            float cx = (face.Box.Left + face.Box.Right) / 2, cy = (face.Box.Top + face.Box.Bottom) / 2;
            if (best >= 0)
            {
                float px = (track.Box.Left + track.Box.Right) / 2, py = (track.Box.Top + track.Box.Bottom) / 2;
                track.Velocity = new PointF((track.Velocity.X * 0.5f) + ((cx - px) / dt * 0.5f), (track.Velocity.Y * 0.5f) + ((cy - py) / dt * 0.5f));
            }

            track.Box = face.Box;
            face.TrackId = track.Id;
            face.Velocity = track.Velocity;
            if (stabilize && face.HasLandmarks)
            {
                Smooth(ref face, track.Filters!, track.Scale, dt, minCutoff);
            }

            _next[nextCount++] = track;
        }

        Array.Copy(_next, _tracks, nextCount);
        _count = nextCount;
    }

    private static void Smooth(ref Face face, OneEuroFilter[] filters, float size, float dt, float minCutoff)
    {
        Span<PointF> raw = stackalloc PointF[FaceLandmarks.Count];
        ((ReadOnlySpan<PointF>)face.Landmarks).CopyTo(raw);
        for (int i = 0; i < FaceLandmarks.Count; i++)
        {
            PointF p = face.Landmarks[i];
            float x = filters[2 * i].Filter(p.X / size, dt, minCutoff, Beta) * size;
            float y = filters[(2 * i) + 1].Filter(p.Y / size, dt, minCutoff, Beta) * size;
            face.Landmarks[i] = new PointF(x, y);
        }

        if (face.HasMesh)
        {
            // The mesh follows its 68 points: moved, turned and scaled as smoothing moved them, so what
            // is drawn by the mesh holds as still as what is drawn by the 68.
            Swap.Affine2D follow = Swap.SimilarityTransform.Estimate(raw, face.Landmarks);
            float scale = MathF.Sqrt(MathF.Abs((follow.A * follow.E) - (follow.B * follow.D)));
            for (int i = 0; i < MeshPoints.Count; i++)
            {
                Point3 p = face.Mesh[i];
                (float x, float y) = follow.Apply(p.X, p.Y);
                face.Mesh[i] = new Point3(x, y, p.Z * scale);
            }
        }
    }

    private struct Track
    {
        public int Id;
        public BoxF Box;
        public float Scale; // face width when the track started: filters work in these units
        public PointF Velocity;
        public OneEuroFilter[]? Filters;
    }
}
