using Aisp.Core.Background;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The background on the GPU: the layer analysis painted on its working grid (premultiplied,
/// a few hundred pixels across, <see cref="BackgroundLayer.Grid"/>) uploaded once per analysis
/// result and drawn as one quad over the frame, sampled bilinearly: premultiplied colour over the
/// frame (blur), the replacement picture (uploaded once per picture and size) mixed in by the
/// grid's alpha (replace), or the frame's alpha lowered by it (transparent). The CPU's
/// <see cref="LayerBlender"/> blends the same grid upsampled the same way, so the two compositors
/// give the same picture; uploading the grid rather than a frame-sized layer keeps the graphics
/// thread's share small on software renderers too.
/// </summary>
internal sealed unsafe class BackgroundDrawer(GpuEffect fx) : IDisposable
{
    private Texture _grid, _cover;

    public void Draw(BackgroundLayer? layer, uint width, uint height)
    {
        if (layer is null || !layer.Ready || layer.GridWidth < 1)
        {
            return;
        }

        if (!_grid.Upload(layer.Grid, layer.GridWidth, layer.GridHeight, layer.Bgra, layer, layer.Version))
        {
            return;
        }

        bool replace = layer.Cover is not null;
        if (replace && !_cover.Upload(layer.Cover, layer.Width, layer.Height, layer.Bgra, layer.Cover!, layer.CoverVersion))
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
        if (replace)
        {
            GpuEffect.SetTexture(fx.Image, _cover.Handle);
            GpuEffect.SetTexture(fx.MaskImage, _grid.Handle);
            fx.DrawQuad("Masked"u8, width, height);
        }
        else
        {
            GpuEffect.SetTexture(fx.Image, _grid.Handle);
            fx.DrawQuad("Copy"u8, width, height);
        }

        if (layer.AlphaOnly)
        {
            BlendMode.PopScaleAlpha();
        }
        else
        {
            BlendMode.Pop();
        }
    }

    public void Dispose()
    {
        _grid.Dispose();
        _cover.Dispose();
    }

    /// <summary>One texture and what it holds, uploaded again only when that changes (OBS draws several frames and views from one analysis result).</summary>
    private struct Texture
    {
        private int _width, _height;
        private bool _bgra;
        private object? _from;
        private long _version;

        public nint Handle { get; private set; }

        public bool Upload(ReadOnlySpan<byte> pixels, int width, int height, bool bgra, object from, long version)
        {
            if (Handle != 0 && ReferenceEquals(from, _from) && version == _version)
            {
                return true;
            }

            if (Handle == 0 || width != _width || height != _height || bgra != _bgra)
            {
                Dispose();
                Handle = gs_texture_create((uint)width, (uint)height, bgra ? GS_BGRA : GS_RGBA, 1, null, GS_DYNAMIC);
                if (Handle == 0)
                {
                    return false;
                }

                (_width, _height, _bgra) = (width, height, bgra);
            }

            fixed (byte* p = pixels)
            {
                gs_texture_set_image(Handle, p, (uint)(width * 4), 0);
            }

            (_from, _version) = (from, version);
            return true;
        }

        public void Dispose()
        {
            if (Handle != 0)
            {
                gs_texture_destroy(Handle);
                Handle = 0;
            }

            _from = null;
        }
    }
}
