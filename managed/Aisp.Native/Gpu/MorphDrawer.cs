using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Swap;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The mesh swap on the GPU: each face's crop, drawn by <see cref="MorphEngine"/> on the analysis
/// thread (warped, colour matched, premultiplied by its feathered coverage), uploaded as a float
/// texture and drawn as one quad through the inverse of the crop's placement on the face predicted
/// for this frame, mixed over the frame by its alpha. The same crop and placement as the CPU's
/// <see cref="CropPaster"/>, so the two compositors give the same picture; the graphics thread only
/// uploads and draws. Textures are made per face slot and kept while crops fit them.
/// </summary>
internal sealed unsafe class MorphDrawer(GpuEffect fx) : IDisposable
{
    private readonly List<Slot> _slots = [];
    private int _used;

    /// <summary>Draws the faces' prepared crops into the current target.</summary>
    public void Draw(ReadOnlySpan<Face> faces, PreparedCrops? crops)
    {
        if (crops is null || !crops.Prepared)
        {
            return;
        }

        _used = 0;
        GpuEffect.Set(fx.UvTransform, 1, 1, 0, 0);
        BlendMode.PushPremultipliedColour();
        foreach (ref readonly Face face in faces)
        {
            ReadOnlySpan<float> rgba = crops.Read(face.TrackId, out int side, out _);
            if (rgba.IsEmpty || !face.HasLandmarks)
            {
                continue;
            }

            if (_used == _slots.Count)
            {
                _slots.Add(new Slot());
            }

            Slot slot = _slots[_used];
            if (!slot.Upload(rgba, side, crops, face.TrackId))
            {
                continue;
            }

            _used++;
            var quad = new Quad(MeshCrop.Of(face, side, crops.Margins).ToCrop.Inverse(), side, (float)side / slot.Room);
            GpuEffect.SetTexture(fx.Image, slot.Texture);
            fx.DrawImmediate("Crop"u8, ref quad, &Quad.Emit);
        }

        BlendMode.Pop();
    }

    public void Dispose()
    {
        foreach (Slot slot in _slots)
        {
            slot.Dispose();
        }

        _slots.Clear();
    }

    /// <summary>One face's texture (a square <see cref="Room"/> across, holding crops up to that side) and its staging copy.</summary>
    private sealed class Slot : IDisposable
    {
        private float[] _staging = [];
        private int _side;

        // What the texture holds: analysis publishes a result per analysed frame, and OBS may draw
        // several frames (and several views of one) from the same one; each crop is uploaded once.
        private PreparedCrops? _from;
        private long _version;
        private int _track;

        public nint Texture { get; private set; }

        public int Room { get; private set; }

        public bool Upload(ReadOnlySpan<float> rgba, int side, PreparedCrops from, int track)
        {
            if (Texture != 0 && ReferenceEquals(from, _from) && from.Version == _version && track == _track)
            {
                return true;
            }

            if (side > Room)
            {
                Dispose();
                Room = (side + 63) / 64 * 64;
                _staging = new float[Room * Room * 4];
                Texture = gs_texture_create((uint)Room, (uint)Room, GS_RGBA32F, 1, null, GS_DYNAMIC);
                if (Texture == 0)
                {
                    Room = 0;
                    return false;
                }
            }

            if (side != _side)
            {
                Array.Clear(_staging); // what lies past a smaller crop must be transparent: the quad's edge samples it
                _side = side;
            }

            for (int y = 0; y < side; y++)
            {
                rgba.Slice(y * side * 4, side * 4).CopyTo(_staging.AsSpan(y * Room * 4));
            }

            fixed (float* p = _staging)
            {
                gs_texture_set_image(Texture, (byte*)p, (uint)(Room * 4 * sizeof(float)), 0);
            }

            (_from, _version, _track) = (from, from.Version, track);
            return true;
        }

        public void Dispose()
        {
            if (Texture != 0)
            {
                gs_texture_destroy(Texture);
                Texture = 0;
            }

            _from = null;
        }
    }

    /// <summary>The crop's square in the frame: two triangles, crop corners as texture coordinates.</summary>
    private readonly struct Quad(Affine2D toFrame, int side, float uvSide)
    {
        private readonly Affine2D _toFrame = toFrame;
        private readonly int _side = side;
        private readonly float _uvSide = uvSide;

        public static void Emit(ref Quad q)
        {
            ReadOnlySpan<int> corners = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1];
            gs_render_start(0);
            for (int i = 0; i < corners.Length; i += 2)
            {
                (float x, float y) = q._toFrame.Apply(corners[i] * q._side, corners[i + 1] * q._side);
                gs_texcoord(corners[i] * q._uvSide, corners[i + 1] * q._uvSide, 0);
                gs_vertex2f(x, y);
            }

            gs_render_stop(GS_TRIS);
        }
    }
}
