using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// An off-screen texture the compositor draws into. It only grows, in steps of 64 pixels, so faces
/// that move and change size do not make libobs recreate textures frame after frame; callers draw
/// into its top-left corner and pass the part they used.
/// </summary>
internal sealed unsafe class RenderTarget(int format) : IDisposable
{
    private const uint Granule = 64;
    private nint _texrender;

    public uint Width { get; private set; }

    public uint Height { get; private set; }

    public nint Texture => gs_texrender_get_texture(_texrender);

    /// <summary>Starts drawing; the projection maps (left, top)-(left + Width, top + Height) onto the texture. Returns false when libobs could not.</summary>
    public bool Begin(uint width, uint height, float left = 0, float top = 0, bool exact = false)
    {
        if (_texrender == 0)
        {
            _texrender = gs_texrender_create(format, 0);
            if (_texrender == 0)
            {
                return false;
            }
        }

        Width = exact ? width : Math.Max(Width, RoundUp(width));
        Height = exact ? height : Math.Max(Height, RoundUp(height));
        gs_texrender_reset(_texrender);
        if (gs_texrender_begin(_texrender, Width, Height) == 0)
        {
            return false;
        }

        float* clear = stackalloc float[4];
        gs_clear(GS_CLEAR_COLOR, clear, 0, 0);
        gs_ortho(left, left + Width, top, top + Height, -100, 100);
        return true;
    }

    public void End() => gs_texrender_end(_texrender);

    public void Dispose()
    {
        if (_texrender != 0)
        {
            gs_texrender_destroy(_texrender);
            _texrender = 0;
        }
    }

    private static uint RoundUp(uint v) => (v + Granule - 1) / Granule * Granule;
}
