using System.Diagnostics;
using Aisp.Core.Engines;
using Aisp.Core.Pipeline;

namespace Aisp.Native.Gpu;

/// <summary>
/// One instance's drawing in OBS's render pass (aisp_render). The host hands over the source's
/// picture as a texture; this draws it and, on top, the engine's result for the faces the
/// pipeline predicts for this frame: GPU work only, so the graphics thread spends microseconds
/// issuing draws instead of milliseconds painting. Synchronous sources also get their analysis
/// copy staged here. Engines without a GPU drawer, or settings asking for the CPU compositor,
/// fall back to painting in memory (<see cref="CpuRoundTrip"/> for synchronous sources; for
/// asynchronous ones the frame was already painted in filter_video).
/// GPU objects are created on first use and released in <see cref="Dispose"/>, both with OBS's
/// graphics context current.
/// </summary>
internal sealed class GpuCompositor : IDisposable
{
    private readonly GpuEffect _fx;
    private readonly PrivacyDrawer _privacy;
    private readonly MorphDrawer _morph;
    private readonly OverlayDrawer _overlay;
    private readonly AnalysisStager _stager;
    private readonly CpuRoundTrip _cpu;
    private long _lastComposedNs = -1;

    private GpuCompositor(GpuEffect fx)
    {
        _fx = fx;
        _privacy = new PrivacyDrawer(fx);
        _morph = new MorphDrawer(fx);
        _overlay = new OverlayDrawer(fx);
        _stager = new AnalysisStager(fx);
        _cpu = new CpuRoundTrip(fx);
    }

    /// <summary>Binds libobs and compiles the shaders; throws <see cref="GraphicsException"/> when either cannot be done here.</summary>
    public static GpuCompositor Create()
    {
        if (!ObsGraphics.TryBind(out string error))
        {
            throw new GraphicsException(error);
        }

        return new GpuCompositor(GpuEffect.Compile());
    }

    /// <summary>
    /// Draws the frame (0,0)-(width,height) into the current render target. Returns false only when
    /// nothing was drawn, so the host draws the texture itself. <paramref name="analyse"/>: the
    /// source is synchronous and this is the only place its pixels reach analysis.
    /// </summary>
    public bool Render(FacePipeline pipeline, nint texture, uint width, uint height, long timestampNs, bool analyse)
    {
        if (analyse)
        {
            if (!pipeline.ComposesOnGpu)
            {
                return _cpu.Render(pipeline, texture, width, height, timestampNs);
            }

            _stager.Stage(pipeline, texture, width, height, timestampNs);
        }

        long start = Stopwatch.GetTimestamp();
        bool newFrame = analyse || timestampNs != _lastComposedNs;
        _lastComposedNs = timestampNs;
        CompositeView view = pipeline.BeginComposite(timestampNs, newFrame);
        if (!pipeline.ComposesOnGpu && analyse)
        {
            return _cpu.Render(pipeline, texture, width, height, timestampNs); // just switched to an engine that paints in memory
        }

        DrawSource(texture, width, height);
        if (!pipeline.ComposesOnGpu)
        {
            return true; // an asynchronous frame, painted in memory by filter_video
        }

        string? notice = view.Engine switch
        {
            PrivacyEngine privacy => Privacy(privacy, texture, width, height, view),
            MorphEngine morph => _morph.Draw(morph, view.Source, width, height, view.Faces),
            LandmarksOverlayEngine => Overlay(width, height, view),
            _ => null,
        };
        double ms = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
        pipeline.EndComposite(timestampNs, ms, view.ResultAgeMs, notice);
        return true;
    }

    private string? Privacy(PrivacyEngine engine, nint texture, uint width, uint height, CompositeView view)
    {
        _privacy.Draw(engine, texture, width, height, view.Faces);
        return null;
    }

    private string? Overlay(uint width, uint height, CompositeView view)
    {
        _overlay.Draw(width, height, view.Faces);
        return null;
    }

    /// <summary>The source's own picture, as it is, with the blend state the host set (what OBS's filter end does).</summary>
    private void DrawSource(nint texture, uint width, uint height)
    {
        GpuEffect.SetTexture(_fx.Image, texture);
        _fx.DrawQuad("Copy"u8, width, height);
    }

    public void Dispose()
    {
        _privacy.Dispose();
        _morph.Dispose();
        _stager.Dispose();
        _cpu.Dispose();
        _fx.Dispose();
    }
}
