using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Landmarks;
using Aisp.Core.Settings;
using Aisp.Core.Source;
using Aisp.Core.Swap;

namespace Aisp.Core.Engines;

/// <summary>
/// Engine "mesh swap" ("morph"), no extra model files: the source face drawn triangle by triangle
/// onto each target face along the 468-point mesh. Triangles the target turns away from the
/// camera are not drawn, and those it shows edge on fade out, so a three-quarter view has no seam
/// along jaw and temple; a side the source turns away comes from its other side, mirrored. The
/// target's own mouth interior always shows (the lip line follows the target), and with
/// keep_expression its own eyes too. Colour follows the target's L*a*b* statistics (a grayscale
/// target keeps a grayscale face). All of that runs on the analysis thread
/// (<see cref="Prepare"/>) into a crop per face (<see cref="MeshCrop"/>); the frame thread only
/// places the crop on the face predicted for the frame and blends it (<see cref="CropPaster"/>), so
/// its cost does not grow with the work per face.
/// </summary>
public sealed class MorphEngine : IFrameEngine
{
    private readonly bool _keepExpression;
    private readonly PerSource<MeshSwapPlan> _plans = new();
    private readonly CropPaster _paster = new();
    private readonly PreparedCrops _own = new();
    private readonly Point3[] _target = new Point3[FaceMesh.Count];
    private readonly PointF[] _polygon = new PointF[32];
    private Face _scaled;
    private float[] _warped = [];
    private float[] _cover = [];
    private float[] _fade = [];
    private float[] _blurred = [];
    private float[] _depth = [];
    private float[] _scratch = [];
    private bool _colourTransfer = true;

    public MorphEngine(bool keepExpression) => _keepExpression = keepExpression;

    public string Name => EngineNames.Morph;

    public EngineNeeds Needs => EngineNeeds.RealFaces | EngineNeeds.SourceFace | EngineNeeds.Prepared;

    public bool DrawsOnGpu => true;

    /// <summary>Below this facing (the cosine of a triangle's normal to the view axis) a triangle fades out: seen edge on, it would smear.</summary>
    private const float FadeBelow = 0.3f;

    /// <summary>Feather radius in crop pixels for a crop <paramref name="side"/> pixels across.</summary>
    private static int FeatherRadius(int side) => Math.Max(1, side / 40);

    /// <summary>Draws and pastes in one go, for the engine used on its own; the pipeline draws on its analysis thread (<see cref="Prepare"/>).</summary>
    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source)
    {
        _own.Clear();
        Prepare(frame, faces, source, _own);
        return Apply(frame, faces, source, _own);
    }

    /// <summary>On the analysis thread: draws every face with a mesh into its crop.</summary>
    public void Prepare(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source, PreparedCrops into)
    {
        into.MarkPrepared(); // also with nothing to draw: the engine takes over and says why (Notice)
        if (source is null || !source.Face.HasMesh)
        {
            return;
        }

        if (!_plans.TryGet(source, out MeshSwapPlan plan))
        {
            plan = _plans.Add(source, MeshSwapPlan.For(source.Face, _keepExpression)); // once per source picture
        }

        foreach (ref readonly Face analysed in faces)
        {
            if (!analysed.HasMesh || !analysed.HasLandmarks)
            {
                continue;
            }

            // Drawn in output pixels (the analysis copy may be decimated): the crop then lands on the frame one to one.
            ref Face face = ref _scaled;
            face = analysed;
            if (into.Scale != 1)
            {
                face.Scale(into.Scale);
            }

            MeshCrop crop = MeshCrop.Of(face);
            if (crop.Side == 0)
            {
                continue;
            }

            Span<float> rgba = into.Write(face.TrackId, crop.Side, 4);
            if (rgba.IsEmpty)
            {
                break;
            }

            into.SetContent(Draw(face, source, plan, crop, rgba, into.WriteRows()));
        }
    }

    /// <summary>On the frame thread: places the prepared crops on the faces predicted for this frame.</summary>
    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source, PreparedCrops prepared)
    {
        if (Notice(source, prepared) is { } notice)
        {
            return notice;
        }

        foreach (ref readonly Face face in faces)
        {
            ReadOnlySpan<float> rgba = prepared.Read(face.TrackId, out int side, out CropContent content);
            if (!rgba.IsEmpty && face.HasLandmarks)
            {
                MeshCrop crop = MeshCrop.Of(face, side);
                _paster.Paste(frame, crop, rgba, content, prepared.Rows(face.TrackId));
            }
        }

        return null;
    }

    /// <summary>Why faces swapped to <paramref name="source"/> cannot be drawn from <paramref name="prepared"/> (for the status line), or null.</summary>
    public static string? Notice(SourceFace? source, PreparedCrops? prepared) =>
        source is null || !source.Face.HasLandmarks ? "morph: no source face yet; choose a source face image"
        : !source.Face.HasMesh ? "morph: the face mesh does not find the source picture's face; choose a clearer, more frontal picture"
        : prepared is null || !prepared.Prepared ? "morph: the first swapped faces are on their way"
        : null;

    /// <summary>The face's crop: warped source, colour matched, premultiplied by its feathered, faded coverage.</summary>
    private CropContent Draw(in Face face, SourceFace source, MeshSwapPlan plan, MeshCrop crop, Span<float> rgba, Span<int> rows)
    {
        int side = crop.Side, n = side * side;
        if (_cover.Length < n)
        {
            _warped = new float[n * 3];
            _cover = new float[n];
            _fade = new float[n];
            _blurred = new float[n];
            _depth = new float[n];
            _scratch = new float[side * 2];
        }

        Span<float> warped = _warped.AsSpan(0, n * 3), cover = _cover.AsSpan(0, n), fade = _fade.AsSpan(0, n), blurred = _blurred.AsSpan(0, n);
        Span<float> depth = _depth.AsSpan(0, n);
        cover.Clear();
        fade.Clear();
        depth.Fill(float.MaxValue);
        for (int i = 0; i < FaceMesh.Count; i++)
        {
            Point3 p = face.Mesh[i];
            (float x, float y) = crop.ToCrop.Apply(p.X, p.Y);
            _target[i] = new Point3(x, y, p.Z);
        }

        ReadOnlySpan<Point3> from = source.Face.Mesh;
        int[] triangles = plan.Triangles;
        for (int t = 0; t < triangles.Length; t += 3)
        {
            int a = triangles[t], b = triangles[t + 1], c = triangles[t + 2];
            float facing = MeshSwapPlan.Facing(_target, a, b, c);
            if (facing <= 0)
            {
                continue; // turned away from the camera: what is in front of it is drawn instead
            }

            // The source's own triangle, or its mirror image where the source shows this side much less squarely.
            float own = plan.OwnFacing[t / 3], mirror = plan.MirrorFacing[t / 3];
            bool mirrored = own < 0.35f && mirror > own + 0.15f;
            (int sa, int sb, int sc) = mirrored ? (MeshTopology.Mirror(a), MeshTopology.Mirror(b), MeshTopology.Mirror(c)) : (a, b, c);
            float weight = SmoothStep(facing / FadeBelow);
            var edge = new Edges(plan.Inner[a], plan.Inner[b], plan.Inner[c]);
            Warp(source.Image, _target[a], _target[b], _target[c], from[sa], from[sb], from[sc], side, weight, edge, warped, cover, fade, depth);
        }

        // The target's own mouth interior, and with keep_expression its own eyes: whatever triangles the
        // source's (closed) mouth or eyes gave, nothing is drawn inside the target's openings.
        Open(MeshTopology.InnerLips, side, cover);
        if (_keepExpression)
        {
            Open(MeshTopology.RightEye, side, cover);
            Open(MeshTopology.LeftEye, side, cover);
        }

        if (Volatile.Read(ref _colourTransfer) && !face.Colour.IsEmpty && !source.Colour.IsEmpty)
        {
            LabColorTransfer.Apply(warped, cover, source.Colour, face.Colour); // both measured once, by analysis and with the source
        }

        // Feather: the blurred coverage keeps its inner half, so the edge fades to zero exactly at the mesh's border
        // (and at the mouth and eye openings); the facing weight, blurred alike, fades the silhouette's edge-on strip.
        int radius = FeatherRadius(side);
        cover.CopyTo(blurred);
        FloatBoxBlur.Apply(blurred, side, side, radius, _scratch);
        FloatBoxBlur.Apply(fade, side, side, radius, _scratch);
        int x0 = side, y0 = side, x1 = 0, y1 = 0;
        for (int y = 0; y < side; y++)
        {
            int first = side, end = 0;
            for (int x = 0, i = y * side; x < side; x++, i++)
            {
                float alpha = cover[i] > 0 ? Math.Clamp((blurred[i] * 2) - 1, 0, 1) * Math.Clamp(fade[i] / Math.Max(blurred[i], 1e-3f), 0, 1) : 0;
                rgba[4 * i] = warped[3 * i] * alpha;
                rgba[(4 * i) + 1] = warped[(3 * i) + 1] * alpha;
                rgba[(4 * i) + 2] = warped[(3 * i) + 2] * alpha;
                rgba[(4 * i) + 3] = alpha;
                if (alpha > 0)
                {
                    (first, end) = (Math.Min(first, x), x + 1);
                }
            }

            (rows[2 * y], rows[(2 * y) + 1]) = end > 0 ? (first, end) : (0, 0);
            if (end > 0)
            {
                (x0, x1, y0, y1) = (Math.Min(x0, first), Math.Max(x1, end), Math.Min(y0, y), y + 1);
            }
        }

        return new CropContent(x0, y0, x1, y1);
    }

    /// <summary>Rasterises one target triangle (crop pixels, nearest surface wins by the mesh's depth), sampling the source picture through the triangle's affine map.</summary>
    private static void Warp(RgbImage image, Point3 t0, Point3 t1, Point3 t2, Point3 s0, Point3 s1, Point3 s2, int side, float weight, Edges edge,
        Span<float> warped, Span<float> cover, Span<float> fade, Span<float> depth)
    {
        PointF p0 = new(t0.X, t0.Y), p1 = new(t1.X, t1.Y), p2 = new(t2.X, t2.Y);
        float area = Edge(p0, p1, p2.X, p2.Y);
        if (MathF.Abs(area) < 0.5f)
        {
            return;
        }

        Affine2D map = Affine2D.FromTriangles(p0, p1, p2, new PointF(s0.X, s0.Y), new PointF(s1.X, s1.Y), new PointF(s2.X, s2.Y));
        int x0 = Math.Max(1, (int)MathF.Floor(MathF.Min(p0.X, MathF.Min(p1.X, p2.X))));
        int x1 = Math.Min(side - 2, (int)MathF.Ceiling(MathF.Max(p0.X, MathF.Max(p1.X, p2.X))));
        int y0 = Math.Max(1, (int)MathF.Floor(MathF.Min(p0.Y, MathF.Min(p1.Y, p2.Y))));
        int y1 = Math.Min(side - 2, (int)MathF.Ceiling(MathF.Max(p0.Y, MathF.Max(p1.Y, p2.Y))));
        const float Slack = -0.01f; // closes hairline cracks between neighbouring triangles
        float inv = 1 / area;

        // Barycentric weights, depth and source position are affine in x: stepped along each row.
        float d0x = -(p2.Y - p1.Y) * inv, d1x = -(p0.Y - p2.Y) * inv, d2x = -(p1.Y - p0.Y) * inv;
        float dzx = (d0x * t0.Z) + (d1x * t1.Z) + (d2x * t2.Z);
        byte[] pixels = image.Pixels;
        int iw = image.Width, ih = image.Height;
        for (int y = y0; y <= y1; y++)
        {
            float py = y + 0.5f, px0 = x0 + 0.5f;
            float w0 = Edge(p1, p2, px0, py) * inv, w1 = Edge(p2, p0, px0, py) * inv, w2 = Edge(p0, p1, px0, py) * inv;
            float z = (w0 * t0.Z) + (w1 * t1.Z) + (w2 * t2.Z);
            (float sx, float sy) = map.Apply(px0, py);
            int i = (y * side) + x0;
            for (int x = x0; x <= x1; x++, i++, w0 += d0x, w1 += d1x, w2 += d2x, z += dzx, sx += map.A, sy += map.D)
            {
                if (w0 < Slack || w1 < Slack || w2 < Slack || z >= depth[i])
                {
                    continue; // outside, or behind what is drawn there (a cheek behind the nose on a turned face)
                }

                BilinearTap.SampleRgb<byte>(pixels, iw, ih, sx - 0.5f, sy - 0.5f, out warped[3 * i], out warped[(3 * i) + 1], out warped[(3 * i) + 2]);
                cover[i] = 1;
                fade[i] = weight * ((w0 * edge.V0) + (w1 * edge.V1) + (w2 * edge.V2));
                depth[i] = z;
            }
        }
    }

    /// <summary>Clears the coverage inside one of the target's contours (crop pixels).</summary>
    private void Open(int[] contour, int side, Span<float> cover)
    {
        Span<PointF> polygon = _polygon.AsSpan(0, contour.Length);
        float top = float.MaxValue, bottom = float.MinValue, left = float.MaxValue, right = float.MinValue;
        for (int i = 0; i < contour.Length; i++)
        {
            Point3 p = _target[contour[i]];
            polygon[i] = new PointF(p.X, p.Y);
            (left, right, top, bottom) = (MathF.Min(left, p.X), MathF.Max(right, p.X), MathF.Min(top, p.Y), MathF.Max(bottom, p.Y));
        }

        int x0 = Math.Max(0, (int)left), x1 = Math.Min(side - 1, (int)right + 1), y0 = Math.Max(0, (int)top), y1 = Math.Min(side - 1, (int)bottom + 1);
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                if (Polygon.Contains(polygon, x + 0.5f, y + 0.5f))
                {
                    cover[(y * side) + x] = 0;
                }
            }
        }
    }

    /// <summary>A triangle's vertex weights for the outline fade (<see cref="MeshSwapPlan.Inner"/>).</summary>
    private readonly record struct Edges(float V0, float V1, float V2);

    private static float SmoothStep(float x)
    {
        x = Math.Clamp(x, 0, 1);
        return x * x * (3 - (2 * x));
    }

    private static float Edge(PointF a, PointF b, float x, float y) => ((b.X - a.X) * (y - a.Y)) - ((b.Y - a.Y) * (x - a.X));

    /// <summary>"performance" drops the L*a*b* colour transfer, the costliest step after the warp.</summary>
    public void SetQuality(Pipeline.QualityLevel level) => Volatile.Write(ref _colourTransfer, level != Pipeline.QualityLevel.Performance);

    public void Dispose()
    {
    }
}
