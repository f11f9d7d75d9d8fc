using Aisp.Core.Background;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The background on the GPU: the layer analysis painted (<see cref="BackgroundLayer"/>:
/// premultiplied RGBA at the output's size) uploaded once per analysis result into an RGBA
/// texture and drawn as one quad over the frame, premultiplied colour over it; a transparent
/// background lowers the frame's alpha by the layer's instead. The same bytes the CPU's
/// <see cref="LayerBlender"/> blends, so the two compositors give the same picture.
/// </summary>
internal sealed unsafe class BackgroundDrawer(GpuEffect fx) : IDisposable
{
    private nint _texture;
    private int _width, _height;
    private BackgroundLayer? _from;
    private long _version;

    public void Draw(BackgroundLayer? layer, uint width, uint height)
    {
        if (layer is null || !layer.Ready || !Upload(layer))
        {
            return;
        }

        if (layer.AlphaOnly)
        {
            BlendMode.PushScaleAlpha();
        }
        else
        {
            BlendMode.PushPremultipliedColour();
        }

        GpuEffect.Set(fx.UvTransform, 1, 1, 0, 0);
        GpuEffect.SetTexture(fx.Image, _texture);
        fx.DrawQuad("Copy"u8, width, height);
        BlendMode.Pop();
    }

    private bool Upload(BackgroundLayer layer)
    {
        if (_texture != 0 && ReferenceEquals(layer, _from) && layer.Version == _version)
        {
            return true; // OBS draws several frames and views from one analysis result
        }

        if (_texture == 0 || layer.Width != _width || layer.Height != _height)
        {
            Dispose();
            _texture = gs_texture_create((uint)layer.Width, (uint)layer.Height, GS_RGBA, 1, null, GS_DYNAMIC);
            if (_texture == 0)
            {
                return false;
            }

            (_width, _height) = (layer.Width, layer.Height);
        }

        fixed (byte* p = layer.Rgba)
        {
            gs_texture_set_image(_texture, p, (uint)(layer.Width * 4), 0);
        }

        (_from, _version) = (layer, layer.Version);
        return true;
    }

    public void Dispose()
    {
        if (_texture != 0)
        {
            gs_texture_destroy(_texture);
            _texture = 0;
        }

        _from = null;
    }
}
