using System.Diagnostics;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// Feeds analysis from a synchronous (GPU-drawn) source without stalling the graphics thread:
/// each frame is rendered small on the GPU, at most <see cref="MaxWidth"/> pixels across and staged
/// into one of two stage surfaces, and the surface staged on the previous frame is mapped, so the
/// map never waits for the copy just queued. Analysis therefore sees frames one render late; the
/// pipeline predicts faces forward to each drawn frame's time.
/// </summary>
internal sealed unsafe class AnalysisStager : IDisposable
{
    /// <summary>Widest analysis copy: the landmark model reads 64x64 crops, so faces down to a tenth of this width keep full precision.</summary>
    public const uint MaxWidth = 640;

    private readonly RenderTarget _small = new(GS_BGRA);
    private readonly nint[] _stages = new nint[2];
    private readonly long[] _stagedNs = new long[2];
    private readonly bool[] _staged = new bool[2];
    private uint _width, _height;
    private int _next;

    /// <summary>Stages this frame and hands the previous one to the pipeline's analysis.</summary>
    public void Stage(FacePipeline pipeline, FilterTarget source, uint width, uint height, long timestampNs)
    {
        long start = Stopwatch.GetTimestamp();
        uint w = Math.Min(width, MaxWidth), h = Math.Max(1, (uint)Math.Round(height * (double)w / width));
        if (!EnsureSurfaces(w, h))
        {
            return;
        }

        int slot = _next;
        _next ^= 1;
        if (SourceRender.Scaled(_small, source, width, height, w, h))
        {
            gs_stage_texture(_stages[slot], _small.Texture);
            _staged[slot] = true;
            _stagedNs[slot] = timestampNs;
        }

        int previous = slot ^ 1;
        byte* data;
        uint linesize;
        if (!_staged[previous] || gs_stagesurface_map(_stages[previous], &data, &linesize) == 0)
        {
            return;
        }

        try
        {
            Frame frame = FrameValidator.Validate(PixelFormat.Bgra, (int)w, (int)h, [(nint)data], [(long)linesize], _stagedNs[previous], ColorMatrix.Bt709, ColorRange.Full);
            double ms = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
            pipeline.SubmitForAnalysis(frame, (float)width / w, ms);
        }
        finally
        {
            gs_stagesurface_unmap(_stages[previous]);
            _staged[previous] = false;
        }
    }

    private bool EnsureSurfaces(uint w, uint h)
    {
        if (w == _width && h == _height && _stages[0] != 0 && _stages[1] != 0)
        {
            return true;
        }

        ReleaseSurfaces();
        _stages[0] = gs_stagesurface_create(w, h, GS_BGRA);
        _stages[1] = gs_stagesurface_create(w, h, GS_BGRA);
        _width = w;
        _height = h;
        return _stages[0] != 0 && _stages[1] != 0;
    }

    private void ReleaseSurfaces()
    {
        for (int i = 0; i < 2; i++)
        {
            if (_stages[i] != 0)
            {
                gs_stagesurface_destroy(_stages[i]);
                _stages[i] = 0;
            }

            _staged[i] = false;
        }
    }

    public void Dispose()
    {
        ReleaseSurfaces();
        _small.Dispose();
    }
}
