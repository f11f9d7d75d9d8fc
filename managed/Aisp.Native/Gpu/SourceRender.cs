using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// Renders the filter's source (obs_source_video_render, as OBS's own filter plumbing does) into
/// an off-screen target: just a face region at full resolution, or the whole picture scaled down.
/// The source draws its full quad and the viewport keeps only what the target covers, so the GPU
/// shades only the pixels asked for, never a full-frame copy.
/// </summary>
internal static unsafe class SourceRender
{
    /// <summary>The (x, y, width, height) part of the picture, one texel per pixel, into the target's corner.</summary>
    public static bool Region(RenderTarget target, FilterTarget source, int x, int y, uint width, uint height)
    {
        BlendMode.PushReplace();
        bool ok = target.Begin(width, height, x, y);
        if (ok)
        {
            source.Draw();
            target.End();
        }

        BlendMode.Pop();
        return ok;
    }

    /// <summary>The whole (sourceWidth x sourceHeight) picture, filtered down (or copied) to exactly width x height.</summary>
    public static bool Scaled(RenderTarget target, FilterTarget source, uint sourceWidth, uint sourceHeight, uint width, uint height)
    {
        BlendMode.PushReplace();
        bool ok = target.Begin(width, height, exact: true);
        if (ok)
        {
            gs_ortho(0, sourceWidth, 0, sourceHeight, -100, 100);
            source.Draw();
            target.End();
        }

        BlendMode.Pop();
        return ok;
    }
}
