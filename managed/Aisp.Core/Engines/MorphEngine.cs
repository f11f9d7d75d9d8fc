using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Aisp.Core.Source;
using Aisp.Core.Swap;

namespace Aisp.Core.Engines;

/// <summary>
/// Engine "morph", no extra model files: warps the source face onto each target face triangle by
/// triangle along the 68-landmark Delaunay mesh, matches its colour to the target (L*a*b* mean
/// and deviation inside the face, measured by analysis and for the source picture once, as the GPU
/// compositor does; measured here per frame only when those are missing), and blends it with a
/// feathered mask. With keep_expression the
/// target's own eyes and mouth interior stay, so blinks and speech come through. Works on a
/// face-sized area only (<see cref="RgbRoi"/>), in the frame's own format.
/// </summary>
public sealed class MorphEngine : IFrameEngine
{
    private static readonly int[] EyesAndMouth = [36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 60, 61, 62, 63, 64, 65, 66, 67];

    private readonly bool _keepExpression;
    private readonly RgbRoi _roi = new();
    private float[] _warped = [];
    private float[] _cover = [];
    private float[] _scratch = [];
    private readonly PerSource<int[]> _triangulations = new();
    private int[] _triangles = [];
    private bool _colourTransfer = true;

    public MorphEngine(bool keepExpression) => _keepExpression = keepExpression;

    public string Name => EngineNames.Morph;

    public EngineNeeds Needs => EngineNeeds.Landmarks | EngineNeeds.SourceFace;

    public bool DrawsOnGpu => true;

    public bool KeepExpression => _keepExpression;

    /// <summary>Whether colour is matched at the quality level in effect ("performance" skips it).</summary>
    public bool ColourTransfer => _colourTransfer;

    /// <summary>Margin of the face region around the landmarks, as a fraction of their extent.</summary>
    public const float RegionPadding = 0.05f;

    /// <summary>Feather radius in pixels for a face whose landmarks span <paramref name="hullWidth"/> pixels.</summary>
    public static int FeatherRadius(float hullWidth) => Math.Max(1, (int)(hullWidth * 0.04f));

    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source)
    {
        if (source is null || !source.Face.HasLandmarks)
        {
            return "morph: no source face yet; choose a source face image";
        }

        if (!_triangulations.TryGet(source, out _triangles))
        {
            _triangles = _triangulations.Add(source, Triangles(source.Face.Landmarks, _keepExpression)); // once per source picture
        }

        foreach (ref readonly Face face in faces)
        {
            if (face.HasLandmarks)
            {
                Swap(frame, face, source);
            }
        }

        return null;
    }

    /// <summary>Delaunay triangles of the source landmarks, without those wholly inside an eye or the mouth when the target's are kept.</summary>
    public static int[] Triangles(in FaceLandmarks landmarks, bool keepExpression)
    {
        ReadOnlySpan<PointF> points = landmarks;
        int[] all = Delaunay.Triangulate(points);
        if (!keepExpression)
        {
            return all;
        }

        var kept = new List<int>(all.Length);
        for (int t = 0; t < all.Length; t += 3)
        {
            bool inner = Group(all[t]) >= 0 && Group(all[t]) == Group(all[t + 1]) && Group(all[t]) == Group(all[t + 2]);
            if (!inner)
            {
                kept.AddRange([all[t], all[t + 1], all[t + 2]]);
            }
        }

        return [.. kept];

        static int Group(int i) => Array.IndexOf(EyesAndMouth, i) < 0 ? -1 : i < 42 ? 0 : i < 48 ? 1 : 2;
    }

    private void Swap(in Frame frame, in Face target, SourceFace source)
    {
        BoxF hull = FaceLandmarks.Bounds(target.Landmarks);
        FaceRegion region = FaceRegion.From(hull, RegionPadding, frame.Width, frame.Height);
        if (region.Width < 8 || region.Height < 8)
        {
            return;
        }

        _roi.Load(frame, region);
        int w = region.Width, h = region.Height, n = w * h;
        if (_cover.Length < n)
        {
            _warped = new float[n * 3];
            _cover = new float[n];
            _scratch = new float[Math.Max(w, h) * 2];
        }

        if (_scratch.Length < Math.Max(w, h))
        {
            _scratch = new float[Math.Max(w, h) * 2];
        }

        Span<float> warped = _warped.AsSpan(0, n * 3), cover = _cover.AsSpan(0, n);
        cover.Clear();
        for (int t = 0; t < _triangles.Length; t += 3)
        {
            Warp(target.Landmarks, source, _triangles[t], _triangles[t + 1], _triangles[t + 2], region, warped, cover);
        }

        if (_colourTransfer && !target.Colour.IsEmpty && !source.Colour.IsEmpty)
        {
            LabColorTransfer.Apply(warped, cover, source.Colour, target.Colour); // measured off the frame thread
        }
        else if (_colourTransfer)
        {
            LabColorTransfer.Apply(warped, _roi.Rgb, cover);
        }

        // Feather: blur the coverage and keep its inner half, so the edge fades to zero exactly at the mesh border.
        Span<float> alpha = _roi.Alpha;
        cover.CopyTo(alpha);
        int radius = FeatherRadius(hull.Width);
        FloatBoxBlur.Apply(alpha, w, h, radius, _scratch);
        Span<float> rgb = _roi.Rgb;
        for (int i = 0; i < n; i++)
        {
            float a = cover[i] > 0 ? Math.Clamp((alpha[i] * 2) - 1, 0, 1) : 0;
            alpha[i] = a;
            if (a > 0)
            {
                rgb[3 * i] = warped[3 * i];
                rgb[(3 * i) + 1] = warped[(3 * i) + 1];
                rgb[(3 * i) + 2] = warped[(3 * i) + 2];
            }
        }

        _roi.Store(frame);
    }

    /// <summary>Rasterises one target triangle, sampling the source picture through the triangle's affine map.</summary>
    private static void Warp(in FaceLandmarks target, SourceFace source, int i0, int i1, int i2, FaceRegion region, Span<float> warped, Span<float> cover)
    {
        PointF t0 = Local(target[i0], region), t1 = Local(target[i1], region), t2 = Local(target[i2], region);
        Affine2D map = Affine2D.FromTriangles(t0, t1, t2, source.Face.Landmarks[i0], source.Face.Landmarks[i1], source.Face.Landmarks[i2]);
        float area = Edge(t0, t1, t2.X, t2.Y);
        if (MathF.Abs(area) < 0.5f)
        {
            return;
        }

        int x0 = Math.Max(0, (int)MathF.Floor(MathF.Min(t0.X, MathF.Min(t1.X, t2.X))));
        int x1 = Math.Min(region.Width - 1, (int)MathF.Ceiling(MathF.Max(t0.X, MathF.Max(t1.X, t2.X))));
        int y0 = Math.Max(0, (int)MathF.Floor(MathF.Min(t0.Y, MathF.Min(t1.Y, t2.Y))));
        int y1 = Math.Min(region.Height - 1, (int)MathF.Ceiling(MathF.Max(t0.Y, MathF.Max(t1.Y, t2.Y))));
        const float Slack = -0.01f; // closes hairline cracks between neighbouring triangles
        for (int y = y0; y <= y1; y++)
        {
            float py = y + 0.5f;
            for (int x = x0; x <= x1; x++)
            {
                float px = x + 0.5f;
                float w0 = Edge(t1, t2, px, py) / area, w1 = Edge(t2, t0, px, py) / area, w2 = Edge(t0, t1, px, py) / area;
                if (w0 < Slack || w1 < Slack || w2 < Slack)
                {
                    continue;
                }

                (float sx, float sy) = map.Apply(px, py);
                source.Image.Sample(sx - 0.5f, sy - 0.5f, out float r, out float g, out float b);
                int i = (y * region.Width) + x;
                warped[3 * i] = r;
                warped[(3 * i) + 1] = g;
                warped[(3 * i) + 2] = b;
                cover[i] = 1;
            }
        }
    }

    private static float Edge(PointF a, PointF b, float x, float y) => ((b.X - a.X) * (y - a.Y)) - ((b.Y - a.Y) * (x - a.X));

    private static PointF Local(PointF p, FaceRegion r) => new(p.X - r.X, p.Y - r.Y);

    /// <summary>"performance" drops the L*a*b* colour transfer, the costliest step after the warp.</summary>
    public void SetQuality(Pipeline.QualityLevel level) => _colourTransfer = level != Pipeline.QualityLevel.Performance;

    public void Dispose()
    {
    }
}
