using System.Diagnostics;
using Aisp.Core.Engines;
using Aisp.Core.Pipeline;
using Aisp.Core.Source;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// One instance's drawing in OBS's render pass (aisp_render). The filter's source is drawn
/// straight into the current target, as a pass-through filter would, and the engine's result for
/// the faces the pipeline predicts for this frame is drawn over it: small off-screen passes per
/// face first (so the GPU never switches back and forth between targets), then one quad per face.
/// GPU work only, so the graphics thread issues draws instead of painting pixels. Synchronous
/// sources also get their analysis copy rendered small and staged here. Engines without a GPU
/// drawer, or settings asking for the CPU compositor, paint in memory instead
/// (<see cref="CpuRoundTrip"/> for synchronous sources; asynchronous frames were painted in
/// filter_video). GPU objects are made on first use and released in <see cref="Dispose"/>, both
/// with OBS's graphics context current.
/// </summary>
internal sealed unsafe class GpuCompositor : IDisposable
{
    private readonly GpuEffect _fx;
    private readonly PrivacyDrawer _privacy;
    private readonly MorphDrawer _morph;
    private readonly OverlayDrawer _overlay;
    private readonly BackgroundDrawer _background;
    private readonly AnalysisStager _stager;
    private readonly CpuRoundTrip _cpu;
    private readonly UnitQuad _quad;
    private long _lastComposedNs = -1;

    private GpuCompositor(GpuEffect fx)
    {
        _fx = fx;
        _quad = new UnitQuad(fx);
        _privacy = new PrivacyDrawer(fx, _quad);
        _morph = new MorphDrawer(fx);
        _overlay = new OverlayDrawer(fx);
        _background = new BackgroundDrawer(fx);
        _stager = new AnalysisStager();
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
    /// Draws the filtered picture (0,0)-(width,height) into the current render target. Returns false
    /// only when nothing was drawn there, so the host draws the source itself. <paramref name="analyse"/>:
    /// the source is synchronous and this is the only place its pixels reach analysis.
    /// </summary>
    public bool Render(FacePipeline pipeline, FilterTarget source, uint width, uint height, long timestampNs, bool analyse)
    {
        // OBS may render a source several times a frame (preview, program, projectors): analysis
        // takes one copy per frame, and (for a synchronous source) an engine switch happens on a
        // frame's first draw; an asynchronous frame's engine was chosen in filter_video.
        bool newFrame = timestampNs != _lastComposedNs;
        _lastComposedNs = timestampNs;
        if (analyse)
        {
            if (!pipeline.ComposesOnGpu)
            {
                return _cpu.Render(pipeline, source, width, height, timestampNs);
            }

            if (newFrame)
            {
                _stager.Stage(pipeline, source, width, height, timestampNs);
            }
        }

        long start = Stopwatch.GetTimestamp();
        CompositeView view = pipeline.BeginComposite(timestampNs, newFrame, (int)width, (int)height, entersHere: analyse);
        // An asynchronous frame is drawn here exactly when filter_video left it unpainted for us,
        // whatever the engine or the automatic compositor says by now.
        if (analyse ? !pipeline.ComposesOnGpu : !pipeline.HandedToGpu(timestampNs))
        {
            if (analyse)
            {
                return _cpu.Render(pipeline, source, width, height, timestampNs); // just switched to an engine that paints in memory
            }

            source.Draw(); // an asynchronous frame, painted in memory by filter_video
            return true;
        }

        string? notice = view.Notice;
        switch (view.Engine)
        {
            case PrivacyEngine privacy:
                _privacy.Prepare(privacy, source, width, height, view.Faces);
                break;
            case MorphEngine:
                foreach (SourceGroup g in view.Sources)
                {
                    notice ??= MorphEngine.Notice(g.Source, view.Crops);
                }

                break;
            case ArEngine ar:
                notice ??= ar.PackError;
                break;
        }

        source.Draw();
        _privacy.Composite();
        if (view.Engine is MorphEngine or ArEngine)
        {
            _morph.Draw(view.Faces, view.Crops);
        }

        if (view.Engine is LandmarksOverlayEngine)
        {
            _overlay.Draw(width, height, view.Faces);
        }

        _background.Draw(view.Background, width, height);
        notice ??= view.Background?.Notice;

        double ms = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
        pipeline.EndComposite(timestampNs, ms, view.ResultAgeMs, notice);
        return true;
    }

    public void Dispose()
    {
        _privacy.Dispose();
        _morph.Dispose();
        _background.Dispose();
        _stager.Dispose();
        _cpu.Dispose();
        _quad.Dispose();
        _fx.Dispose();
    }
}
