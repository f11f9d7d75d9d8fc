using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The source a filter draws, and how. A filter's parent that draws with whatever effect is
/// current (no OBS_SOURCE_CUSTOM_DRAW, not asynchronous: an image source, a text source) must be
/// drawn inside the default effect's "Draw" technique, as libobs's own filter plumbing does
/// (obs_source_process_filter_begin); drawn bare it renders nothing, and the filter would show a
/// black picture. Other targets (custom-draw sources, asynchronous ones, the next filter) draw themselves.
/// </summary>
internal readonly record struct FilterTarget(nint Source, bool InDefaultEffect)
{
    private const int ObsEffectDefault = 0;

    public unsafe void Draw()
    {
        if (!InDefaultEffect)
        {
            obs_source_video_render(Source);
            return;
        }

        nint effect = obs_get_base_effect(ObsEffectDefault);
        fixed (byte* draw = "Draw\0"u8)
        {
            while (gs_effect_loop(effect, draw) != 0)
            {
                obs_source_video_render(Source);
            }
        }
    }
}
