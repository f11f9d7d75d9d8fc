using Aisp.Core.Detection;
using Aisp.Core.Effects;
using Aisp.Core.Frames;
using Aisp.Core.Landmarks;
using Aisp.Core.Settings;
using Aisp.Core.Source;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Engines;

/// <summary>
/// Engine "ar": face retouch (skin smoothed inside the face's outline, eyes, brows and lips left
/// sharp), lip and eye tints, and an effect pack's pictures anchored to the 468-point mesh (turned
/// with the eye line, or in 3D with the head's yaw and pitch and a perspective). Like the mesh swap
/// it draws on the analysis thread (<see cref="Prepare"/>) into one premultiplied RGBA crop per
/// face, placed on the face predicted for each frame by <see cref="CropPaster"/> (CPU) or the GPU
/// compositor's crop drawer, so both compositors give the same picture and the frame thread only
/// blends. A broken pack is the engine's notice (status line) and draws no overlay; retouch and
/// tints still work.
/// </summary>
public sealed class ArEngine : IFrameEngine
{
    /// <summary>Focal length of the virtual camera in eye-corner distances: about a webcam at arm's length.</summary>
    private const float Focal = 6;

    private readonly EffectPack? _pack;
    private readonly string? _packError;
    private readonly float _retouch, _lipTint, _eyeTint;
    private readonly (float R, float G, float B) _lipColour, _eyeColour;
    private readonly CropPaster _paster = new();
    private readonly PreparedCrops _own = new();
    private readonly PointF[] _polygon = new PointF[40];
    private Face _scaled;
    private float[] _mask = [], _smooth = [], _blurred = [], _scratch = [], _visible = [];

    private ArEngine(EffectPack? pack, string? packError, PipelineSettings s)
    {
        (_pack, _packError) = (pack, packError);
        (_retouch, _lipTint, _eyeTint) = (s.Retouch / 100f, s.LipTint / 100f, s.EyeTint / 100f);
        _lipColour = Rgb(s.LipColour);
        _eyeColour = Rgb(s.EyeColour);
    }

    public string Name => EngineNames.Ar;

    public EngineNeeds Needs => EngineNeeds.RealFaces | EngineNeeds.Prepared;

    public bool DrawsOnGpu => true;

    /// <summary>The pack in use, or null (none chosen, or it could not be loaded: see <see cref="PackError"/>).</summary>
    public EffectPack? Pack => _pack;

    public string? PackError => _packError;

    public static ArEngine Create(PipelineSettings s, ILogger log)
    {
        string? folder = s.EffectPackFolder;
        if (folder is null)
        {
            return new ArEngine(null, null, s);
        }

        try
        {
            EffectPack pack = EffectPack.Load(folder);
            log.LogInformation("Effect pack {Name} loaded from {Folder}: {Layers} layers", pack.Name, folder, pack.Layers.Length);
            return new ArEngine(pack, null, s);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            string message = $"ar: effect pack not used: {e.Message}";
            log.LogError("{Message}", message);
            return new ArEngine(null, message, s);
        }
    }

    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source)
    {
        _own.Clear();
        Prepare(frame, faces, source, _own);
        return Apply(frame, faces, source, _own);
    }

    public void Prepare(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source, PreparedCrops into)
    {
        into.MarkPrepared();
        into.Margins = MeshCrop.CropMargins.Ar;
        foreach (ref readonly Face analysed in faces)
        {
            if (!analysed.HasMesh || !analysed.HasLandmarks)
            {
                continue;
            }

            ref Face face = ref _scaled;
            face = analysed;
            if (into.Scale != 1)
            {
                face.Scale(into.Scale);
            }

            MeshCrop crop = MeshCrop.Of(face, 0, MeshCrop.CropMargins.Ar);
            if (crop.Side == 0)
            {
                continue;
            }

            Span<float> rgba = into.Write(face.TrackId, crop.Side, 4);
            if (rgba.IsEmpty)
            {
                break;
            }

            into.SetContent(Draw(frame, into.Scale, face, crop, rgba, into.WriteRows()));
        }
    }

    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source, PreparedCrops prepared)
    {
        foreach (ref readonly Face face in faces)
        {
            ReadOnlySpan<float> rgba = prepared.Read(face.TrackId, out int side, out CropContent content);
            if (!rgba.IsEmpty && face.HasLandmarks)
            {
                _paster.Paste(frame, MeshCrop.Of(face, side, prepared.Margins), rgba, content, prepared.Rows(face.TrackId));
            }
        }

        return _packError;
    }

    public void Dispose()
    {
    }

    private CropContent Draw(in Frame frame, float scale, in Face face, MeshCrop crop, Span<float> rgba, Span<int> rows)
    {
        int side = crop.Side;
        rgba.Clear();
        if (_mask.Length < side * side)
        {
            int room = (side + 63) / 64 * 64;
            _mask = new float[room * room];
            _smooth = new float[room * room * 3];
            _blurred = new float[room * room * 3];
            _scratch = new float[room];
        }

        if (_retouch > 0)
        {
            Retouch(frame, scale, face, crop, rgba);
        }

        if (_lipTint > 0)
        {
            Tint(face, crop, rgba, FaceRegions.OuterLips, MeshTopology.InnerLips, _lipColour, 0.6f * _lipTint);
        }

        if (_eyeTint > 0)
        {
            Tint(face, crop, rgba, FaceRegions.RightLid, MeshTopology.RightEye, _eyeColour, 0.5f * _eyeTint);
            Tint(face, crop, rgba, FaceRegions.LeftLid, MeshTopology.LeftEye, _eyeColour, 0.5f * _eyeTint);
        }

        if (_pack is not null)
        {
            foreach (EffectLayer layer in _pack.Layers)
            {
                DrawLayer(face, crop, layer, rgba, Visible(face, crop, layer.Clip));
            }
        }

        return Content(rgba, side, rows);
    }

    /// <summary>
    /// Skin smoothing: the frame's pixels under the face outline, blurred, mixed in where they differ
    /// little from the original (so edges such as the nose's stay), never over the eyes, brows or lips.
    /// </summary>
    private void Retouch(in Frame frame, float scale, in Face face, MeshCrop crop, Span<float> rgba)
    {
        int side = crop.Side;
        Span<float> mask = _mask.AsSpan(0, side * side);
        mask.Clear();

        // The outline shrunk a little, so the feathering below stays inside the face's own outline.
        Fill(face, crop, MeshTopology.Oval, mask, 1, grow: 0.9f);
        Fill(face, crop, MeshTopology.RightEye, mask, 0, grow: 1.6f);
        Fill(face, crop, MeshTopology.LeftEye, mask, 0, grow: 1.6f);
        Fill(face, crop, FaceRegions.RightBrow, mask, 0, grow: 1.3f);
        Fill(face, crop, FaceRegions.LeftBrow, mask, 0, grow: 1.3f);
        Fill(face, crop, FaceRegions.OuterLips, mask, 0, grow: 1.15f);

        // The face's pixels in the crop (bilinear from the analysis copy), then blurred per channel.
        Affine2D toOutput = crop.ToCrop.Inverse();
        var sampler = new RgbSampler(frame);
        Span<float> smooth = _smooth.AsSpan(0, side * side * 3);
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                (float ox, float oy) = toOutput.Apply(x + 0.5f, y + 0.5f);
                int fx = Math.Clamp((int)(ox / scale), 0, frame.Width - 1), fy = Math.Clamp((int)(oy / scale), 0, frame.Height - 1);
                sampler.Sample(fx, fy, out int r, out int g, out int b);
                int i = ((y * side) + x) * 3;
                (smooth[i], smooth[i + 1], smooth[i + 2]) = (r, g, b);
            }
        }

        float eyes = Distance(face, FaceMesh.RightEyeOuter, FaceMesh.LeftEyeOuter) * crop.ToCrop.A;
        int radius = Math.Max(2, (int)(eyes / 14));
        Span<float> blurred = _blurred.AsSpan(0, side * side * 3);
        Span<float> plane = rgba[..(side * side)]; // free until the layers are drawn
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < side * side; i++)
            {
                plane[i] = smooth[(i * 3) + c];
            }

            FloatBoxBlur.Apply(plane, side, side, radius, _scratch);
            for (int i = 0; i < side * side; i++)
            {
                blurred[(i * 3) + c] = plane[i];
            }
        }

        // Mixed in only where the blur changed little: a real edge (nostril, jaw line, glasses) differs a lot and stays.
        for (int i = 0; i < side * side; i++)
        {
            if (mask[i] > 0)
            {
                float difference = MathF.Max(MathF.Abs(blurred[i * 3] - smooth[i * 3]), MathF.Max(MathF.Abs(blurred[(i * 3) + 1] - smooth[(i * 3) + 1]), MathF.Abs(blurred[(i * 3) + 2] - smooth[(i * 3) + 2])));
                mask[i] *= Math.Clamp(1 - (difference / 24), 0, 1);
            }
        }

        FloatBoxBlur.Apply(mask, side, side, Math.Max(1, radius / 2), _scratch);
        ClipToOutline(face, crop, mask);
        rgba.Clear();
        for (int i = 0; i < side * side; i++)
        {
            float a = mask[i] * _retouch;
            if (a > 0)
            {
                (rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2], rgba[(4 * i) + 3]) = (blurred[i * 3] * a, blurred[(i * 3) + 1] * a, blurred[(i * 3) + 2] * a, a);
            }
        }
    }

    /// <summary>Nothing outside the face's outline, whatever the feathering spread: what retouch promises.</summary>
    private void ClipToOutline(in Face face, MeshCrop crop, Span<float> mask)
    {
        int side = crop.Side;
        Span<PointF> poly = _polygon.AsSpan(0, MeshTopology.Oval.Length);
        for (int k = 0; k < poly.Length; k++)
        {
            (float x, float y) = crop.ToCrop.Apply(face.Mesh[MeshTopology.Oval[k]].X, face.Mesh[MeshTopology.Oval[k]].Y);
            poly[k] = new PointF(x, y);
        }

        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                int i = (y * side) + x;
                if (mask[i] > 0 && !Polygon.Contains(poly, x + 0.5f, y + 0.5f))
                {
                    mask[i] = 0;
                }
            }
        }
    }

    /// <summary>A colour over the region between an outline and a hole (lips around the mouth, lids below the brows), feathered.</summary>
    private void Tint(in Face face, MeshCrop crop, Span<float> rgba, int[] outline, int[] hole, (float R, float G, float B) colour, float strength)
    {
        int side = crop.Side;
        Span<float> mask = _mask.AsSpan(0, side * side);
        mask.Clear();
        Fill(face, crop, outline, mask, 1);
        Fill(face, crop, hole, mask, 0);
        float eyes = Distance(face, FaceMesh.RightEyeOuter, FaceMesh.LeftEyeOuter) * crop.ToCrop.A;
        FloatBoxBlur.Apply(mask, side, side, Math.Max(1, (int)(eyes / 40)), _scratch);
        for (int i = 0; i < side * side; i++)
        {
            float a = mask[i] * strength;
            if (a > 0)
            {
                Over(rgba, i, colour.R * a, colour.G * a, colour.B * a, a);
            }
        }
    }

    /// <summary>Outlines grow by this much about their centre before they clip: a mask's edge and a lens's rim may reach just past the mesh's outline.</summary>
    private const float ClipGrow = 1.06f;

    /// <summary>Below this ratio of the two eyes' distances from the nose tip (near over far, in the picture) the head counts as turned and has a far side.</summary>
    private const float TurnedRatio = 0.8f;

    /// <summary>
    /// Where a layer may show in the crop (1) and where the head hides it (0), for its clip: null
    /// when nothing is hidden. "face": inside the face's outline; "far_side": also outside it,
    /// except beyond the outline on the side the head turns away from (the side whose eye is nearer
    /// the nose tip in the picture).
    /// </summary>
    private float[]? Visible(in Face face, MeshCrop crop, LayerClip clip)
    {
        if (clip == LayerClip.None)
        {
            return null;
        }

        int side = crop.Side;
        if (_visible.Length < side * side)
        {
            _visible = new float[_mask.Length];
        }

        Span<float> visible = _visible.AsSpan(0, side * side);
        (float nx, float ny) = crop.ToCrop.Apply(face.Mesh[FaceMesh.NoseTip].X, face.Mesh[FaceMesh.NoseTip].Y);
        (float rx, float ry) = crop.ToCrop.Apply(face.Mesh[FaceMesh.RightEyeOuter].X, face.Mesh[FaceMesh.RightEyeOuter].Y);
        (float lx, float ly) = crop.ToCrop.Apply(face.Mesh[FaceMesh.LeftEyeOuter].X, face.Mesh[FaceMesh.LeftEyeOuter].Y);
        float toRight = MathF.Sqrt(Sq(rx - nx) + Sq(ry - ny)), toLeft = MathF.Sqrt(Sq(lx - nx) + Sq(ly - ny));
        bool turned = MathF.Min(toRight, toLeft) < TurnedRatio * MathF.Max(toRight, toLeft);
        if (clip == LayerClip.FarSide && !turned)
        {
            return null; // a face to the camera has no far side
        }

        // The far side: from the nose tip towards the eye nearer to it in the picture.
        (float fx, float fy) = toRight < toLeft ? (rx - nx, ry - ny) : (lx - nx, ly - ny);
        visible.Fill(clip == LayerClip.Face ? 0 : 1);
        if (clip == LayerClip.FarSide)
        {
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    if (((x + 0.5f - nx) * fx) + ((y + 0.5f - ny) * fy) > 0)
                    {
                        visible[(y * side) + x] = 0; // beyond the nose on the far side: shown only inside the outline (below)
                    }
                }
            }
        }

        Fill(face, crop, MeshTopology.Oval, visible, 1, grow: ClipGrow);
        FloatBoxBlur.Apply(visible, side, side, 1 + (side / 160), _scratch); // a soft edge, not a jagged one
        return _visible;
    }

    /// <summary>One pack picture on its quad: anchored, sized and offset in eye-corner distances, turned with the face (and in full pose projected in perspective); <paramref name="visible"/> (per crop pixel, or null) hides what the head hides.</summary>
    private static void DrawLayer(in Face face, MeshCrop crop, EffectLayer layer, Span<float> rgba, float[]? visible)
    {
        ReadOnlySpan<Point3> mesh = face.Mesh;
        Point3 r = mesh[FaceMesh.RightEyeOuter], l = mesh[FaceMesh.LeftEyeOuter], top = mesh[10], chin = mesh[152];
        float unit = MathF.Sqrt(Sq(l.X - r.X) + Sq(l.Y - r.Y) + Sq(l.Z - r.Z));
        if (unit < 2)
        {
            return;
        }

        (float X, float Y, float Z) ax, ay;
        if (layer.Pose == LayerPose.Full)
        {
            ax = Normalise(l.X - r.X, l.Y - r.Y, l.Z - r.Z);
            (float X, float Y, float Z) down = (chin.X - top.X, chin.Y - top.Y, chin.Z - top.Z);
            float along = (down.X * ax.X) + (down.Y * ax.Y) + (down.Z * ax.Z);
            ay = Normalise(down.X - (along * ax.X), down.Y - (along * ax.Y), down.Z - (along * ax.Z));
        }
        else
        {
            ax = Normalise(l.X - r.X, l.Y - r.Y, 0);
            ay = (-ax.Y, ax.X, 0);
        }

        float cx = 0, cy = 0, cz = 0;
        foreach (int v in layer.Anchors)
        {
            (cx, cy, cz) = (cx + mesh[v].X, cy + mesh[v].Y, cz + mesh[v].Z);
        }

        (cx, cy, cz) = (cx / layer.Anchors.Length, cy / layer.Anchors.Length, cz / layer.Anchors.Length);
        cx += ((layer.OffsetX * ax.X) + (layer.OffsetY * ay.X)) * unit;
        cy += ((layer.OffsetX * ax.Y) + (layer.OffsetY * ay.Y)) * unit;
        cz += ((layer.OffsetX * ax.Z) + (layer.OffsetY * ay.Z)) * unit;
        float w = layer.Size * unit, focal = Focal * unit;
        float h = layer.Spans ? Distance3(mesh[layer.SpanFrom], mesh[layer.SpanTo]) * layer.SpanScale : w * layer.Height / layer.Width;
        Span<PointF> quad = stackalloc PointF[4];
        for (int k = 0; k < 4; k++)
        {
            float s = (k is 1 or 2 ? 1 : 0) - layer.PivotX, t = (k >= 2 ? 1 : 0) - layer.PivotY;
            float dx = ((s * w) * ax.X) + ((t * h) * ay.X), dy = ((s * w) * ax.Y) + ((t * h) * ay.Y), dz = ((s * w) * ax.Z) + ((t * h) * ay.Z);
            float p = layer.Pose == LayerPose.Full ? focal / MathF.Max(focal * 0.2f, focal + dz) : 1; // farther (larger z) is smaller
            (float x, float y) = crop.ToCrop.Apply(cx + (dx * p), cy + (dy * p));
            quad[k] = new PointF(x, y);
        }

        Homography toPicture = Homography.RectToQuad(layer.Width, layer.Height, quad[0], quad[1], quad[2], quad[3]).Inverse();
        int side = crop.Side;
        int x0 = Math.Max(0, (int)MathF.Floor(Min4(quad, q => q.X))), x1 = Math.Min(side, (int)MathF.Ceiling(Max4(quad, q => q.X)));
        int y0 = Math.Max(0, (int)MathF.Floor(Min4(quad, q => q.Y))), y1 = Math.Min(side, (int)MathF.Ceiling(Max4(quad, q => q.Y)));
        float[] src = layer.Rgba;
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                float shown = visible is null ? 1 : visible[(y * side) + x];
                if (shown <= 0 || !toPicture.Apply(x + 0.5f, y + 0.5f, out float u, out float v)
                    || u < -0.5f || v < -0.5f || u > layer.Width - 0.5f || v > layer.Height - 0.5f)
                {
                    continue;
                }

                // Bilinear on premultiplied texels, edges clamped.
                float fu = Math.Clamp(u - 0.5f, 0, layer.Width - 1), fv = Math.Clamp(v - 0.5f, 0, layer.Height - 1);
                int u0 = (int)fu, v0 = (int)fv, u1 = Math.Min(u0 + 1, layer.Width - 1), v1 = Math.Min(v0 + 1, layer.Height - 1);
                float wu = fu - u0, wv = fv - v0;
                int a00 = ((v0 * layer.Width) + u0) * 4, a01 = ((v0 * layer.Width) + u1) * 4, a10 = ((v1 * layer.Width) + u0) * 4, a11 = ((v1 * layer.Width) + u1) * 4;
                float o = layer.Opacity * MathF.Min(shown, 1);
                float k00 = (1 - wu) * (1 - wv) * o, k01 = wu * (1 - wv) * o, k10 = (1 - wu) * wv * o, k11 = wu * wv * o;
                float alpha = (src[a00 + 3] * k00) + (src[a01 + 3] * k01) + (src[a10 + 3] * k10) + (src[a11 + 3] * k11);
                if (alpha <= 0)
                {
                    continue;
                }

                Over(rgba, (y * side) + x,
                    (src[a00] * k00) + (src[a01] * k01) + (src[a10] * k10) + (src[a11] * k11),
                    (src[a00 + 1] * k00) + (src[a01 + 1] * k01) + (src[a10 + 1] * k10) + (src[a11 + 1] * k11),
                    (src[a00 + 2] * k00) + (src[a01 + 2] * k01) + (src[a10 + 2] * k10) + (src[a11 + 2] * k11),
                    alpha);
            }
        }
    }

    /// <summary>Premultiplied "over": the new colour on top of what the crop holds.</summary>
    private static void Over(Span<float> rgba, int i, float r, float g, float b, float a)
    {
        float keep = 1 - a;
        int o = i * 4;
        rgba[o] = r + (rgba[o] * keep);
        rgba[o + 1] = g + (rgba[o + 1] * keep);
        rgba[o + 2] = b + (rgba[o + 2] * keep);
        rgba[o + 3] = a + (rgba[o + 3] * keep);
    }

    /// <summary>Sets <paramref name="value"/> inside the outline of mesh vertices (grown about its centre by <paramref name="grow"/>), in crop pixels.</summary>
    private void Fill(in Face face, MeshCrop crop, int[] outline, Span<float> mask, float value, float grow = 1)
    {
        ReadOnlySpan<Point3> mesh = face.Mesh;
        Span<PointF> poly = _polygon.AsSpan(0, outline.Length);
        float mx = 0, my = 0;
        for (int k = 0; k < outline.Length; k++)
        {
            (float x, float y) = crop.ToCrop.Apply(mesh[outline[k]].X, mesh[outline[k]].Y);
            poly[k] = new PointF(x, y);
            (mx, my) = (mx + x, my + y);
        }

        (mx, my) = (mx / outline.Length, my / outline.Length);
        float minX = float.MaxValue, maxX = float.MinValue, minY = float.MaxValue, maxY = float.MinValue;
        for (int k = 0; k < poly.Length; k++)
        {
            poly[k] = new PointF(mx + ((poly[k].X - mx) * grow), my + ((poly[k].Y - my) * grow));
            (minX, maxX, minY, maxY) = (MathF.Min(minX, poly[k].X), MathF.Max(maxX, poly[k].X), MathF.Min(minY, poly[k].Y), MathF.Max(maxY, poly[k].Y));
        }

        int side = crop.Side;
        for (int y = Math.Max(0, (int)minY); y < Math.Min(side, (int)MathF.Ceiling(maxY) + 1); y++)
        {
            for (int x = Math.Max(0, (int)minX); x < Math.Min(side, (int)MathF.Ceiling(maxX) + 1); x++)
            {
                if (Polygon.Contains(poly, x + 0.5f, y + 0.5f))
                {
                    mask[(y * side) + x] = value;
                }
            }
        }
    }

    private static CropContent Content(Span<float> rgba, int side, Span<int> rows)
    {
        int x0 = side, y0 = side, x1 = 0, y1 = 0;
        for (int y = 0; y < side; y++)
        {
            int first = side, end = 0;
            for (int x = 0, i = y * side; x < side; x++, i++)
            {
                if (rgba[(4 * i) + 3] > 0)
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

        return x1 > 0 ? new CropContent(x0, y0, x1, y1) : new CropContent(0, 0, 0, 0);
    }

    private static float Distance(in Face face, int a, int b)
    {
        Point3 p = face.Mesh[a], q = face.Mesh[b];
        return MathF.Sqrt(Sq(p.X - q.X) + Sq(p.Y - q.Y));
    }

    private static float Min4(ReadOnlySpan<PointF> q, Func<PointF, float> f) => MathF.Min(MathF.Min(f(q[0]), f(q[1])), MathF.Min(f(q[2]), f(q[3])));

    private static float Max4(ReadOnlySpan<PointF> q, Func<PointF, float> f) => MathF.Max(MathF.Max(f(q[0]), f(q[1])), MathF.Max(f(q[2]), f(q[3])));

    private static float Sq(float v) => v * v;

    private static float Distance3(Point3 a, Point3 b) => MathF.Sqrt(Sq(a.X - b.X) + Sq(a.Y - b.Y) + Sq(a.Z - b.Z));

    private static (float X, float Y, float Z) Normalise(float x, float y, float z)
    {
        float n = MathF.Sqrt((x * x) + (y * y) + (z * z));
        return n < 1e-6f ? (1, 0, 0) : (x / n, y / n, z / n);
    }

    private static (float R, float G, float B) Rgb(int rgb) => ((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
}
