using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// A static two-triangle quad (0,0)-(1,1), placed by the matrix, for the draws that land in the
/// frame. gs_draw_sprite rewrites libobs's shared sprite buffer, which the source's own draw in
/// the same target still uses, and a driver may have to wait for that draw before the rewrite; a
/// buffer written once never needs to.
/// </summary>
internal sealed unsafe class UnitQuad(GpuEffect fx) : IDisposable
{
    private nint _buffer;

    /// <summary>Draws the quad over (x, y, width, height) of the target with texture coordinates (u0, v0)-(u1, v1).</summary>
    public bool Draw(ReadOnlySpan<byte> technique, float x, float y, float width, float height, float u0 = 0, float v0 = 0, float u1 = 1, float v1 = 1)
    {
        if (_buffer == 0 && !Build())
        {
            return false;
        }

        GpuEffect.Set(fx.UvTransform, u1 - u0, v1 - v0, u0, v0);
        gs_matrix_push();
        gs_matrix_translate3f(x, y, 0);
        gs_matrix_scale3f(width, height, 1);
        fixed (byte* t = technique)
        {
            while (fx.Loop(t))
            {
                gs_load_vertexbuffer(_buffer);
                gs_load_indexbuffer(0);
                gs_draw(GS_TRIS, 0, 6);
            }
        }

        gs_matrix_pop();
        return true;
    }

    private bool Build()
    {
        gs_render_start(1);
        ReadOnlySpan<float> corners = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1];
        for (int i = 0; i < corners.Length; i += 2)
        {
            gs_texcoord(corners[i], corners[i + 1], 0);
            gs_vertex2f(corners[i], corners[i + 1]);
        }

        _buffer = gs_render_save();
        return _buffer != 0;
    }

    public void Dispose()
    {
        if (_buffer != 0)
        {
            gs_vertexbuffer_destroy(_buffer);
            _buffer = 0;
        }
    }
}
