using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>The blend states the compositor uses; each Push is paired with <see cref="Pop"/>.</summary>
internal static unsafe class BlendMode
{
    /// <summary>Off-screen passes: the output replaces what is there.</summary>
    public static void PushReplace()
    {
        gs_blend_state_push();
        gs_enable_blending(1);
        gs_blend_function_separate(GS_BLEND_ONE, GS_BLEND_ZERO, GS_BLEND_ONE, GS_BLEND_ZERO);
    }

    /// <summary>Onto the frame: colour replaced, the frame's own alpha kept (the CPU engines never touch alpha either).</summary>
    public static void PushReplaceColour()
    {
        gs_blend_state_push();
        gs_enable_blending(1);
        gs_blend_function_separate(GS_BLEND_ONE, GS_BLEND_ZERO, GS_BLEND_ZERO, GS_BLEND_ONE);
    }

    /// <summary>Onto the frame: colour mixed by the output's alpha, the frame's own alpha kept.</summary>
    public static void PushMixColour()
    {
        gs_blend_state_push();
        gs_enable_blending(1);
        gs_blend_function_separate(GS_BLEND_SRCALPHA, GS_BLEND_INVSRCALPHA, GS_BLEND_ZERO, GS_BLEND_ONE);
    }

    /// <summary>Onto the frame: premultiplied colour over it by the output's alpha, the frame's own alpha kept.</summary>
    public static void PushPremultipliedColour()
    {
        gs_blend_state_push();
        gs_enable_blending(1);
        gs_blend_function_separate(GS_BLEND_ONE, GS_BLEND_INVSRCALPHA, GS_BLEND_ZERO, GS_BLEND_ONE);
    }

    /// <summary>
    /// Onto the frame: the frame's alpha scaled by 1 - the output's alpha (a transparent background),
    /// colour not written at all (a colour mask, not a blend that keeps it: software renderers take a
    /// much slower path for the latter). Paired with <see cref="PopScaleAlpha"/>, which restores the mask.
    /// </summary>
    public static void PushScaleAlpha()
    {
        gs_blend_state_push();
        gs_enable_blending(1);
        gs_blend_function_separate(GS_BLEND_ZERO, GS_BLEND_INVSRCALPHA, GS_BLEND_ZERO, GS_BLEND_INVSRCALPHA);
        gs_enable_color(0, 0, 0, 1);
    }

    public static void PopScaleAlpha()
    {
        gs_enable_color(1, 1, 1, 1);
        gs_blend_state_pop();
    }

    public static void Pop() => gs_blend_state_pop();
}
