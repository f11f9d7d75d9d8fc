using Aisp.Core.Settings;

namespace Aisp.Core.Swap;

/// <summary>
/// Post-processing of the inswapper engine, named after the tools whose look it reproduces.
/// The mask is a box in the aligned 128 crop: padding shrinks it from each side, blur sets how
/// wide its edge fades (a fraction of the crop), as FaceFusion's box mask does.
/// </summary>
public sealed record SwapPreset(string Name, float Padding, float Blur, bool MouthMask, bool ColorTransfer, float Sharpen)
{
    /// <summary>roop: plain paste-back, thin feather.</summary>
    public static readonly SwapPreset Roop = new(SwapPresets.Roop, Padding: 0.0f, Blur: 0.1f, MouthMask: false, ColorTransfer: false, Sharpen: 0f);

    /// <summary>FaceFusion: box mask with padding, wide blur (its defaults: blur 0.3).</summary>
    public static readonly SwapPreset FaceFusion = new(SwapPresets.FaceFusion, Padding: 0.05f, Blur: 0.3f, MouthMask: false, ColorTransfer: false, Sharpen: 0f);

    /// <summary>Deep-Live-Cam: mouth mask, colour transfer, sharpening.</summary>
    public static readonly SwapPreset DeepLiveCam = new(SwapPresets.DeepLiveCam, Padding: 0.0f, Blur: 0.15f, MouthMask: true, ColorTransfer: true, Sharpen: 0.5f);

    public static SwapPreset Named(string name) => name switch
    {
        SwapPresets.Roop => Roop,
        SwapPresets.DeepLiveCam => DeepLiveCam,
        _ => FaceFusion,
    };

    /// <summary>Mask value at crop position (x, y): 1 inside, fading to 0 over the blur width at the padded box edge.</summary>
    public float MaskAt(float x, float y, int size)
    {
        float inset = Padding * size;
        float edge = MathF.Min(MathF.Min(x - inset, size - inset - x), MathF.Min(y - inset, size - inset - y));
        if (edge <= 0)
        {
            return 0;
        }

        float ramp = MathF.Max(1, Blur * size * 0.5f);
        return MathF.Min(1, edge / ramp);
    }
}
