using Aisp.Core.Detection;

namespace Aisp.Core.Coverage;

/// <summary>
/// The extra views privacy searches besides the upright whole-frame run (view 0): the frame turned
/// by every 45 degrees (a head lying sideways or upside down: the detectors find faces within about
/// 45 degrees of upright, docs/QUALITY.md), the frame with mirrored margins (a face half out of the
/// frame), and tiles at a larger scale where the whole-frame run
/// shrinks the frame so much that a face 16 px tall falls under the detector's smallest anchor.
/// Which views run in a detection round is decided by <see cref="Pick"/>: all of them in a file's first
/// round, then a few per round, the ones holding faces that need confirming first, the others by
/// how long ago they ran. Everything is a function of the frame size and the round count, so a
/// file gives the same output on every run.
/// </summary>
public sealed class CoverViews
{
    /// <summary>The smallest face the product promises to cover, in frame pixels (at 1920x1080).</summary>
    public const float SmallestFace = 16;

    /// <summary>What a face of <see cref="SmallestFace"/> must become in the detector's input to be found.</summary>
    public const float DetectableFace = 11;

    private const float TileOverlap = 0.25f;

    /// <summary>The mirrored view's margin on each side, as a share of the frame: room for the hidden half of a face the edge cuts.</summary>
    private const float EdgeMargin = 0.2f;
    private static readonly int[] TurnedDegrees = [90, 270, 180, 45, 315, 135, 225];

    private readonly List<ViewSpec> _views = new(64);
    private int[] _lastRun = new int[64];
    private int[] _priority = new int[64];
    private int _width, _height, _inputWidth, _inputHeight, _round;

    /// <summary>Views by id; id 0 is the upright whole-frame run the detect stage makes.</summary>
    public IReadOnlyList<ViewSpec> Views => _views;

    public int Round => _round;

    /// <summary>Starts over: the next round is a first round again, and every view counts as never run.</summary>
    public void Restart()
    {
        _round = 0;
        Array.Clear(_lastRun);
    }

    /// <summary>Rebuilds the views when the frame size or the detector's input changes; returns whether it did (a first round follows).</summary>
    public bool Prepare(int width, int height, int inputWidth, int inputHeight)
    {
        if (width == _width && height == _height && inputWidth == _inputWidth && inputHeight == _inputHeight && _views.Count > 0)
        {
            return false;
        }

        _inputWidth = inputWidth;
        _inputHeight = inputHeight;

        _width = width;
        _height = height;
        _views.Clear();
        _views.Add(new ViewSpec(ViewKind.Turned, 0, 0, 0, width, height, 1));
        foreach (int d in TurnedDegrees)
        {
            _views.Add(ViewSpec.Turned(d, width, height, inputWidth, inputHeight));
        }

        _views.Add(ViewSpec.Mirrored(EdgeMargin, width, height, inputWidth, inputHeight));

        // Tiles: at the scale where the smallest face becomes detectable, as far as the whole-frame
        // run's own scale falls short of it.
        float upright = Math.Min((float)inputWidth / width, (float)inputHeight / height);
        float needed = Math.Min(1f, DetectableFace / SmallestFace);
        if (upright < needed * 0.8f)
        {
            float tw = inputWidth / needed, th = inputHeight / needed;
            int cols = Math.Max(1, (int)MathF.Ceiling((width - (tw * TileOverlap)) / (tw * (1 - TileOverlap))));
            int rows = Math.Max(1, (int)MathF.Ceiling((height - (th * TileOverlap)) / (th * (1 - TileOverlap))));
            tw = Math.Min(tw, width);
            th = Math.Min(th, height);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    float x = cols == 1 ? 0 : c * (width - tw) / (cols - 1), y = rows == 1 ? 0 : r * (height - th) / (rows - 1);
                    _views.Add(ViewSpec.Tile(x, y, tw, th, needed));
                }
            }
        }

        if (_lastRun.Length < _views.Count)
        {
            _lastRun = new int[_views.Count * 2];
            _priority = new int[_views.Count * 2];
        }

        Restart();
        return true;
    }

    /// <summary>
    /// The views to run in this round (view 0 excluded: the detect stage ran it), into <paramref name="picked"/>;
    /// returns how many. <paramref name="budget"/> views at most, except in the first round: a file's
    /// first frame (<paramref name="wholeSweep"/>) is searched in every view before anything is written;
    /// live, the first result must not wait for a sweep (the frame is covered whole until it comes, and
    /// a busy machine would stretch that), so the right-angle turns follow in the next rounds.
    /// </summary>
    public int Pick(CoverTracks tracks, int budget, bool wholeSweep, Span<int> picked)
    {
        _round++;
        int n = _views.Count;
        if (_round == 1 && wholeSweep)
        {
            for (int v = 1; v < n; v++)
            {
                picked[v - 1] = v;
                _lastRun[v] = _round;
            }

            return n - 1;
        }

        for (int v = 1; v < n; v++)
        {
            // How long ago it ran; whole-frame views count double: a face turned past 45 degrees or cut
            // by the edge may be any face, a face only a tile finds is a small one.
            _priority[v] = (_round - _lastRun[v]) * (_views[v].Kind == ViewKind.Tile ? 1 : 2);
        }

        for (int i = 0; i < tracks.Count; i++)
        {
            int view = tracks.View(i);
            if (tracks.Misses(i) > 0)
            {
                // A face its own view lost: search it in every other view that holds it.
                PointF c = tracks.Box(i).Centre;
                for (int v = 1; v < n; v++)
                {
                    if (v != view && Holds(_views[v], c))
                    {
                        _priority[v] += 1000;
                    }
                }
            }

            if (view > 0)
            {
                _priority[view] += 4 * (_round - _lastRun[view]); // faces found there are confirmed there
            }
        }

        int count = 0;
        for (; count < budget && count < n - 1; count++)
        {
            int best = -1;
            for (int v = 1; v < n; v++)
            {
                if (_lastRun[v] != _round && (best < 0 || _priority[v] > _priority[best]))
                {
                    best = v;
                }
            }

            picked[count] = best;
            _lastRun[best] = _round;
        }

        return count;
    }

    private static bool Holds(in ViewSpec view, PointF p) =>
        view.Kind != ViewKind.Tile || (p.X >= view.Left && p.X < view.Left + view.Width && p.Y >= view.Top && p.Y < view.Top + view.Height);
}
