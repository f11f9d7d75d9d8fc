using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Settings;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The privacy engine on the GPU: the same padded face regions, block sizes and blur radii as
/// <see cref="PrivacyEngine"/>, drawn from the frame's texture in two (pixelate) or 2 x passes + 2
/// (blur) small off-screen passes per face.
/// </summary>
internal sealed unsafe class PrivacyDrawer(GpuEffect fx) : IDisposable
{
    private readonly RenderTarget _a = new(GS_BGRA);
    private readonly RenderTarget _b = new(GS_BGRA);

    public void Draw(PrivacyEngine engine, nint frame, uint frameWidth, uint frameHeight, ReadOnlySpan<Face> faces)
    {
        foreach (ref readonly Face face in faces)
        {
            FaceRegion r = FaceRegion.From(face.Box, engine.Padding, (int)frameWidth, (int)frameHeight);
            if (r.IsEmpty)
            {
                continue;
            }

            int size = engine.EffectSize(Math.Min(face.Box.Width, face.Box.Height));
            if (engine.Mode == PrivacyMode.Pixelate)
            {
                Pixelate(frame, frameWidth, frameHeight, r, size);
            }
            else if (r.Width >= 2 && r.Height >= 2)
            {
                Blur(frame, r, Math.Max(1, size / 2), engine.BlurPasses);
            }
        }
    }

    private void Pixelate(nint frame, uint frameWidth, uint frameHeight, FaceRegion r, int block)
    {
        uint across = (uint)((r.Width + block - 1) / block), down = (uint)((r.Height + block - 1) / block);
        BlendMode.PushReplace();
        bool ok = _a.Begin(across, down);
        if (ok)
        {
            GpuEffect.SetTexture(fx.Image, frame);
            GpuEffect.Set(fx.Region, r.X, r.Y, r.Width, r.Height);
            GpuEffect.Set(fx.FrameSize, frameWidth, frameHeight, 1f / frameWidth, 1f / frameHeight);
            GpuEffect.Set(fx.Grid, block, across, down);
            fx.DrawQuad("BlockMean"u8, across, down);
            _a.End();
        }

        BlendMode.Pop();
        if (!ok)
        {
            return;
        }

        BlendMode.PushReplaceColour();
        GpuEffect.SetTexture(fx.Image, _a.Texture); // libobs clears every parameter when a technique ends
        GpuEffect.Set(fx.Region, r.X, r.Y, r.Width, r.Height);
        GpuEffect.Set(fx.Grid, block, _a.Width, _a.Height);
        Placement.Push(r.X, r.Y);
        fx.DrawQuad("BlockShow"u8, (uint)r.Width, (uint)r.Height);
        Placement.Pop();
        BlendMode.Pop();
    }

    private void Blur(nint frame, FaceRegion r, int radius, int passes)
    {
        uint w = (uint)r.Width, h = (uint)r.Height;
        BlendMode.PushReplace();
        bool ok = _a.Begin(w, h);
        if (ok)
        {
            GpuEffect.SetTexture(fx.Image, frame);
            fx.DrawPart("Copy"u8, frame, (uint)r.X, (uint)r.Y, w, h);
            _a.End();
            for (int pass = 0; pass < passes && ok; pass++)
            {
                ok = BoxPass.Run(fx, _a, _b, w, h, radius, horizontal: true) && BoxPass.Run(fx, _b, _a, w, h, radius, horizontal: false);
            }
        }

        BlendMode.Pop();
        if (!ok)
        {
            return;
        }

        BlendMode.PushReplaceColour();
        GpuEffect.SetTexture(fx.Image, _a.Texture);
        Placement.Push(r.X, r.Y);
        fx.DrawPart("Copy"u8, _a.Texture, 0, 0, w, h);
        Placement.Pop();
        BlendMode.Pop();
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
