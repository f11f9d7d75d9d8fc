namespace Aisp.Native.Gpu;

/// <summary>One box-blur pass along one axis over the (width x height) corner of a target, clamped at that corner's edges.</summary>
internal static class BoxPass
{
    public static bool Run(GpuEffect fx, RenderTarget from, RenderTarget to, uint width, uint height, int radius, bool horizontal)
    {
        if (!to.Begin(width, height))
        {
            return false;
        }

        float du = 1f / from.Width, dv = 1f / from.Height;
        GpuEffect.SetTexture(fx.Image, from.Texture);
        GpuEffect.Set(fx.Step, horizontal ? du : 0, horizontal ? 0 : dv, radius);
        GpuEffect.Set(fx.Extent, (width - 0.5f) * du, (height - 0.5f) * dv);
        fx.DrawPart("Box"u8, from.Texture, 0, 0, width, height);
        to.End();
        return true;
    }
}
