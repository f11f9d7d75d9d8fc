using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Source;
using Aisp.Core.Swap;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The mesh swap on the GPU: the source face texture drawn as the target's landmark mesh (the
/// same triangles as <see cref="MorphEngine"/>), colour matched in the shader from the source's
/// and the target's L*a*b* statistics, its coverage blurred twice for a feathered edge, and mixed
/// onto the frame inside the face region only. <see cref="Prepare"/> does every face's off-screen
/// passes before anything is drawn into the frame; <see cref="Composite"/> mixes them in.
/// </summary>
internal sealed unsafe class MorphDrawer(GpuEffect fx, UnitQuad quad) : IDisposable
{
    // libobs's immediate vertex buffer holds 512 vertices; a mesh is drawn in batches below that.
    private const int TrianglesPerBatch = 160;

    private readonly List<Slot> _slots = [];
    private readonly PerSource<Uploaded> _uploads = new(release: u => gs_texture_destroy(u.Texture));
    private int _used;
    private nint _sourceTexture;
    private int[] _triangles = [];
    private bool _trianglesKeepExpression;

    /// <summary>Starts a frame: the faces of every source group are prepared after it, then composited together.</summary>
    public void Begin() => _used = 0;

    /// <summary>Renders the off-screen passes of <paramref name="faces"/>, all swapped to <paramref name="source"/>.</summary>
    public string? Prepare(MorphEngine engine, SourceFace? source, uint frameWidth, uint frameHeight, ReadOnlySpan<Face> faces)
    {
        if (source is null || !source.Face.HasLandmarks)
        {
            return "morph: no source face yet; choose a source face image";
        }

        if (!Prepare(source, engine.KeepExpression))
        {
            return "morph: the source face could not be uploaded to the GPU";
        }

        foreach (ref readonly Face face in faces)
        {
            if (face.HasLandmarks)
            {
                Swap(engine, source, face, frameWidth, frameHeight);
            }
        }

        return null;
    }

    public void Composite()
    {
        BlendMode.PushMixColour();
        for (int i = 0; i < _used; i++)
        {
            Slot slot = _slots[i];
            GpuEffect.SetTexture(fx.Image, slot.Warp.Texture);
            GpuEffect.SetTexture(fx.Mask, slot.BlurB.Texture);
            FaceRegion r = slot.Region;
            quad.Draw("Feather"u8, r.X, r.Y, r.Width, r.Height, 0, 0, (float)r.Width / slot.Warp.Width, (float)r.Height / slot.Warp.Height);
        }

        BlendMode.Pop();
        _used = 0;
    }

    /// <summary>Makes <paramref name="source"/>'s texture and triangles current: uploaded and triangulated once per source picture (and expression setting).</summary>
    private bool Prepare(SourceFace source, bool keepExpression)
    {
        if (keepExpression != _trianglesKeepExpression)
        {
            _uploads.Clear();
            _trianglesKeepExpression = keepExpression;
        }

        if (!_uploads.TryGet(source, out Uploaded uploaded))
        {
            byte[] rgba = ToRgba(source.Image.Pixels, source.Image.Width * source.Image.Height);
            nint texture;
            fixed (byte* p = rgba)
            {
                byte* planes = p;
                texture = gs_texture_create((uint)source.Image.Width, (uint)source.Image.Height, GS_RGBA, 1, &planes, 0);
            }

            if (texture == 0)
            {
                return false;
            }

            uploaded = _uploads.Add(source, new Uploaded(texture, MorphEngine.Triangles(source.Face.Landmarks, keepExpression)));
        }

        (_sourceTexture, _triangles) = (uploaded.Texture, uploaded.Triangles);
        return true;
    }

    private void Swap(MorphEngine engine, SourceFace source, in Face target, uint frameWidth, uint frameHeight)
    {
        BoxF hull = FaceLandmarks.Bounds(target.Landmarks);
        FaceRegion r = FaceRegion.From(hull, MorphEngine.RegionPadding, (int)frameWidth, (int)frameHeight);
        if (r.Width < 8 || r.Height < 8)
        {
            return;
        }

        if (_used == _slots.Count)
        {
            _slots.Add(new Slot());
        }

        Slot slot = _slots[_used];
        slot.Region = r;
        uint w = (uint)r.Width, h = (uint)r.Height;
        int radius = MorphEngine.FeatherRadius(hull.Width);
        BlendMode.PushReplace();
        bool ok = Warp(slot.Warp, engine, source, target, r);
        ok = ok && BoxPass.Run(fx, slot.Warp, slot.BlurA, w, h, radius, horizontal: true) && BoxPass.Run(fx, slot.BlurA, slot.BlurB, w, h, radius, horizontal: false);
        ok = ok && BoxPass.Run(fx, slot.BlurB, slot.BlurA, w, h, radius, horizontal: true) && BoxPass.Run(fx, slot.BlurA, slot.BlurB, w, h, radius, horizontal: false);
        BlendMode.Pop();
        if (ok)
        {
            _used++;
        }
    }

    /// <summary>Draws the mesh into the warp target, whose corner sits at the region's corner in frame pixels.</summary>
    private bool Warp(RenderTarget warp, MorphEngine engine, SourceFace source, in Face target, FaceRegion r)
    {
        if (!warp.Begin((uint)r.Width, (uint)r.Height, r.X, r.Y))
        {
            return false;
        }

        LabStats s = source.Colour, t = target.Colour;
        bool match = engine.ColourTransfer && !s.IsEmpty && !t.IsEmpty;
        GpuEffect.SetTexture(fx.Image, _sourceTexture);
        GpuEffect.Set(fx.SrcMean, s.MeanL, s.MeanA, s.MeanB);
        GpuEffect.Set(fx.DstMean, t.MeanL, t.MeanA, t.MeanB);
        GpuEffect.Set(fx.LabScale, Ratio(t.DevL, s.DevL), Ratio(t.DevA, s.DevA), Ratio(t.DevB, s.DevB), match ? 1 : 0);
        FaceLandmarks sourcePoints = source.Face.Landmarks;
        var mesh = new MeshBatch(_triangles, target.Landmarks, sourcePoints, 1f / source.Image.Width, 1f / source.Image.Height);
        for (mesh.First = 0; mesh.First < _triangles.Length / 3; mesh.First += TrianglesPerBatch)
        {
            fx.DrawImmediate("Mesh"u8, ref mesh, &MeshBatch.Emit);
        }

        warp.End();
        return true;
    }

    // The same clamp as LabColorTransfer: a flat source must not blow up noise.
    private static float Ratio(float target, float source) => Math.Clamp(target / Math.Max(source, 1e-3f), 0.5f, 2f);

    private static byte[] ToRgba(byte[] rgb, int pixels)
    {
        var rgba = new byte[pixels * 4];
        for (int i = 0; i < pixels; i++)
        {
            rgba[4 * i] = rgb[3 * i];
            rgba[(4 * i) + 1] = rgb[(3 * i) + 1];
            rgba[(4 * i) + 2] = rgb[(3 * i) + 2];
            rgba[(4 * i) + 3] = 255;
        }

        return rgba;
    }

    public void Dispose()
    {
        _uploads.Clear();
        _sourceTexture = 0;
        foreach (Slot slot in _slots)
        {
            slot.Warp.Dispose();
            slot.BlurA.Dispose();
            slot.BlurB.Dispose();
        }
    }

    /// <summary>A source picture on the GPU and its mesh.</summary>
    private readonly record struct Uploaded(nint Texture, int[] Triangles);

    /// <summary>One face's textures: the warped, colour-matched mesh (coverage in alpha) and the blurred coverage.</summary>
    private sealed class Slot
    {
        public RenderTarget Warp { get; } = new(GS_RGBA32F);
        public RenderTarget BlurA { get; } = new(GS_RGBA32F);
        public RenderTarget BlurB { get; } = new(GS_RGBA32F);
        public FaceRegion Region { get; set; }
    }

    /// <summary>One batch of mesh triangles: target landmarks as positions, source landmarks as texture coordinates.</summary>
    private ref struct MeshBatch
    {
        private readonly int[] _triangles;
        private readonly ref readonly FaceLandmarks _target;
        private readonly ref readonly FaceLandmarks _source;
        private readonly float _invWidth, _invHeight;

        public MeshBatch(int[] triangles, in FaceLandmarks target, in FaceLandmarks source, float invWidth, float invHeight)
        {
            _triangles = triangles;
            _target = ref target;
            _source = ref source;
            _invWidth = invWidth;
            _invHeight = invHeight;
        }

        public int First;

        public static void Emit(ref MeshBatch b)
        {
            int end = Math.Min(b._triangles.Length, (b.First + TrianglesPerBatch) * 3);
            gs_render_start(0);
            for (int i = b.First * 3; i < end; i++)
            {
                int k = b._triangles[i];
                gs_texcoord(b._source[k].X * b._invWidth, b._source[k].Y * b._invHeight, 0);
                gs_vertex2f(b._target[k].X, b._target[k].Y);
            }

            gs_render_stop(GS_TRIS);
        }
    }
}
