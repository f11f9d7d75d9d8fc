using System.Diagnostics;
using Aisp.Core;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The CPU compositor for a synchronous (GPU-drawn) source: the whole frame is read back, painted
/// by the engine in memory and uploaded again. Used when the settings ask for the CPU compositor
/// or the engine has no GPU drawer (inswapper); it waits for the GPU on every frame.
/// </summary>
internal sealed unsafe class CpuRoundTrip(GpuEffect fx) : IDisposable
{
    private readonly RenderTarget _full = new(GS_BGRA);
    private nint _stage, _upload;
    private uint _width, _height;
    private byte[] _pixels = [];

    /// <summary>Draws the painted frame; false when nothing was drawn (the host then draws the source as it is).</summary>
    public bool Render(FacePipeline pipeline, FilterTarget source, uint width, uint height, long timestampNs)
    {
        long start = Stopwatch.GetTimestamp();
        if (!Ensure(width, height) || !SourceRender.Scaled(_full, source, width, height, width, height))
        {
            return false;
        }

        gs_stage_texture(_stage, _full.Texture);
        byte* data;
        uint linesize;
        if (gs_stagesurface_map(_stage, &data, &linesize) == 0)
        {
            return false;
        }

        int row = (int)width * 4;
        fixed (byte* pixels = _pixels)
        {
            for (uint y = 0; y < height; y++)
            {
                Buffer.MemoryCopy(data + ((long)y * linesize), pixels + ((long)y * row), row, row);
            }

            gs_stagesurface_unmap(_stage);
            Frame frame = FrameValidator.Validate(PixelFormat.Bgra, width, height, [(nint)pixels], [(long)row], timestampNs, ColorMatrix.Bt709, ColorRange.Full);
            try
            {
                pipeline.Process(frame, Stopwatch.GetTimestamp() - start);
            }
            catch (AispException)
            {
                return false; // recorded by the pipeline; the source is drawn as it is
            }

            gs_texture_set_image(_upload, pixels, (uint)row, 0);
        }

        GpuEffect.SetTexture(fx.Image, _upload);
        fx.DrawQuad("Copy"u8, width, height);
        return true;
    }

    private bool Ensure(uint width, uint height)
    {
        if (width == _width && height == _height && _stage != 0 && _upload != 0)
        {
            return true;
        }

        Release();
        _stage = gs_stagesurface_create(width, height, GS_BGRA);
        _upload = gs_texture_create(width, height, GS_BGRA, 1, null, GS_DYNAMIC);
        _pixels = GC.AllocateUninitializedArray<byte>((int)(width * height * 4), pinned: true);
        _width = width;
        _height = height;
        return _stage != 0 && _upload != 0;
    }

    private void Release()
    {
        if (_stage != 0)
        {
            gs_stagesurface_destroy(_stage);
        }

        if (_upload != 0)
        {
            gs_texture_destroy(_upload);
        }

        _stage = _upload = 0;
    }

    public void Dispose()
    {
        Release();
        _full.Dispose();
    }
}
