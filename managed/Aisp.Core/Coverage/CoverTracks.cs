using Aisp.Core.Detection;

namespace Aisp.Core.Coverage;

/// <summary>A face box found by one detector run, and which view found it (0: the upright whole-frame run).</summary>
public readonly record struct Sighting(BoxF Box, int View);

/// <summary>
/// Every face privacy must cover, as plain boxes, whatever their count: what each detection round
/// found, matched to what earlier rounds found so a face keeps being covered when a round loses it.
/// A face a round misses coasts on its velocity with its box grown by <see cref="GrowthPerMiss"/>
/// (up to <see cref="MaxGrowth"/> times its size when last seen) for each round of the view that
/// last found it that missed it, and is dropped after <see cref="MaxMisses"/> such misses or
/// <see cref="MaxUnseenSeconds"/> unseen: a hand passing in front of a face, a turn or motion blur
/// lose it for a few frames, and it stays covered through them. Misses count only
/// for the view that found the face last (a small face a tile found is not "missed" by the
/// whole-frame run, which cannot see it). Preallocated; grows only when a frame has more faces than
/// any before it.
/// </summary>
public sealed class CoverTracks
{
    public const int MaxMisses = 8;
    public const float GrowthPerMiss = 0.2f;
    public const float MaxGrowth = 2f;
    private const float SuddenShrink = 0.6f;
    private const float ShrinkPerRound = 0.3f;
    public const double MaxUnseenSeconds = 1.5;
    private const float MatchIoU = 0.2f;

    private Track[] _tracks = new Track[64];
    private bool[] _taken = new bool[64];
    private int _count;

    public int Count => _count;

    public BoxF Box(int i) => _tracks[i].Box;

    public int View(int i) => _tracks[i].View;

    public int Misses(int i) => _tracks[i].Misses;

    public PointF Velocity(int i) => _tracks[i].Velocity;

    public void Clear() => _count = 0;

    /// <summary>Moves every face on by its velocity (a frame between detection rounds).</summary>
    public void Coast(float dt)
    {
        for (int i = 0; i < _count; i++)
        {
            ref Track t = ref _tracks[i];
            t.Box = Shift(t.Box, t.Velocity.X * dt, t.Velocity.Y * dt);
        }
    }

    /// <summary>
    /// One detection round: <paramref name="found"/> are its sightings (deduplicated), <paramref name="ran"/>
    /// says which views ran in it. Matched faces take the sighting's box; the others coast or are dropped.
    /// </summary>
    public void Update(ReadOnlySpan<Sighting> found, ReadOnlySpan<bool> ran, long timestampNs, float dt)
    {
        EnsureCapacity(_count + found.Length);
        Array.Clear(_taken, 0, _count);
        int existing = _count;
        foreach (Sighting s in found)
        {
            int best = -1;
            float bestScore = 0;
            for (int i = 0; i < existing; i++)
            {
                if (_taken[i])
                {
                    continue;
                }

                // Coasting faces are predicted forward first, so a moving face still meets its track.
                BoxF predicted = Shift(_tracks[i].Box, _tracks[i].Velocity.X * dt, _tracks[i].Velocity.Y * dt);
                float score = Overlap(predicted, s.Box);
                if (score > bestScore)
                {
                    (best, bestScore) = (i, score);
                }
            }

            if (best < 0)
            {
                _tracks[_count] = new Track { Box = s.Box, View = s.View, SeenNs = timestampNs, SeenWidth = s.Box.Width, SeenHeight = s.Box.Height };
                _taken[_count++] = true;
                continue;
            }

            ref Track t = ref _tracks[best];
            _taken[best] = true;
            if (dt > 0 && t.Misses == 0)
            {
                PointF c0 = t.Box.Centre, c1 = s.Box.Centre;
                t.Velocity = new PointF((t.Velocity.X * 0.5f) + ((c1.X - c0.X) / dt * 0.5f), (t.Velocity.Y * 0.5f) + ((c1.Y - c0.Y) / dt * 0.5f));
            }

            // A face found much smaller than it was is most likely partly hidden (a hand, another head)
            // or cut by a view's edge: the box shrinks towards the new one over a few rounds instead of
            // at once, so the hidden part's neighbourhood stays covered; growing is taken at once.
            BoxF was = Shift(t.Box, t.Velocity.X * dt, t.Velocity.Y * dt);
            t.Box = s.Box.Area < was.Area * SuddenShrink ? Lerp(was, s.Box, ShrinkPerRound) : s.Box;
            t.SeenWidth = s.Box.Width;
            t.SeenHeight = s.Box.Height;
            t.View = s.View;
            t.Misses = 0;
            t.SeenNs = timestampNs;
        }

        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            Track t = _tracks[i];
            if (!_taken[i])
            {
                t.Box = Shift(t.Box, t.Velocity.X * dt, t.Velocity.Y * dt);
                if (t.View < ran.Length && ran[t.View])
                {
                    t.Misses++;
                    if (t.Box.Width < t.SeenWidth * MaxGrowth && t.Box.Height < t.SeenHeight * MaxGrowth)
                    {
                        t.Box = Grow(t.Box, GrowthPerMiss);
                    }
                }

                if (t.Misses > MaxMisses || (timestampNs - t.SeenNs) / 1e9 > MaxUnseenSeconds)
                {
                    continue;
                }
            }

            _tracks[kept++] = t;
        }

        _count = kept;
    }

    /// <summary>How well two boxes of one face agree: their IoU, or at least 0.5 when either holds the other's centre (a box found in a turned view is larger than the face).</summary>
    public static float Overlap(in BoxF a, in BoxF b)
    {
        float iou = a.IoU(b);
        return iou >= MatchIoU ? iou : a.Contains(b.Centre) || b.Contains(a.Centre) ? 0.5f * MathF.Min(1, MathF.Min(a.Area, b.Area) / MathF.Max(1, MathF.Max(a.Area, b.Area)) * 4) : 0;
    }

    private static BoxF Shift(in BoxF b, float dx, float dy) => new(b.Left + dx, b.Top + dy, b.Right + dx, b.Bottom + dy);

    private static BoxF Lerp(in BoxF a, in BoxF b, float t) =>
        new(a.Left + ((b.Left - a.Left) * t), a.Top + ((b.Top - a.Top) * t), a.Right + ((b.Right - a.Right) * t), a.Bottom + ((b.Bottom - a.Bottom) * t));

    private static BoxF Grow(in BoxF b, float share)
    {
        float dx = b.Width * share / 2, dy = b.Height * share / 2;
        return new BoxF(b.Left - dx, b.Top - dy, b.Right + dx, b.Bottom + dy);
    }

    private void EnsureCapacity(int n)
    {
        if (n > _tracks.Length)
        {
            int size = Math.Max(n, _tracks.Length * 2);
            Array.Resize(ref _tracks, size);
            Array.Resize(ref _taken, size);
        }
    }

    private struct Track
    {
        public BoxF Box;
        public PointF Velocity;
        public int View;
        public int Misses;
        public long SeenNs;
        public float SeenWidth, SeenHeight;
    }
}
