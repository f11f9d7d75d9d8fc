using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Settings;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The privacy engine on the GPU: the same padded face regions, block sizes and blur radii as
/// <see cref="PrivacyEngine"/>. <see cref="Prepare"/> renders each face region of the source into
/// its own small texture and pixelates (block means) or blurs it there, before anything is drawn
/// into the frame; <see cref="Composite"/> then draws the results over the frame.
/// </summary>
internal sealed unsafe class PrivacyDrawer(GpuEffect fx, UnitQuad quad) : IDisposable
{
    private readonly List<Slot> _slots = [];
    private int _used;

    public void Prepare(PrivacyEngine engine, FilterTarget source, uint frameWidth, uint frameHeight, ReadOnlySpan<Face> faces)
    {
        _used = 0;
        foreach (ref readonly Face face in faces)
        {
            FaceRegion r = FaceRegion.From(face.Box, engine.Padding, (int)frameWidth, (int)frameHeight);
            if (r.IsEmpty || (engine.Mode == PrivacyMode.Blur && (r.Width < 2 || r.Height < 2)))
            {
                continue;
            }

            if (_used == _slots.Count)
            {
                _slots.Add(new Slot());
            }

            Slot slot = _slots[_used];
            slot.Region = r;
            slot.Pixelate = engine.Mode == PrivacyMode.Pixelate;
            int size = engine.EffectSize(Math.Min(face.Box.Width, face.Box.Height));
            bool ok = SourceRender.Region(slot.Picture, source, r.X, r.Y, (uint)r.Width, (uint)r.Height);
            BlendMode.PushReplace();
            ok = ok && (slot.Pixelate ? BlockMeans(slot, size) : Blur(slot, Math.Max(1, size / 2), engine.BlurPasses));
            BlendMode.Pop();
            if (ok)
            {
                _used++;
            }
        }
    }

    public void Composite()
    {
        BlendMode.PushReplaceColour();
        for (int i = 0; i < _used; i++)
        {
            Slot slot = _slots[i];
            FaceRegion r = slot.Region;
            if (slot.Pixelate)
            {
                GpuEffect.SetTexture(fx.Image, slot.Work.Texture); // libobs clears every parameter when a technique ends
                GpuEffect.Set(fx.Region, 0, 0, r.Width, r.Height);
                GpuEffect.Set(fx.Grid, slot.Block, slot.Work.Width, slot.Work.Height);
                quad.Draw("BlockShow"u8, r.X, r.Y, r.Width, r.Height);
            }
            else
            {
                RenderTarget picture = slot.Picture;
                GpuEffect.SetTexture(fx.Image, picture.Texture);
                quad.Draw("Copy"u8, r.X, r.Y, r.Width, r.Height, 0, 0, (float)r.Width / picture.Width, (float)r.Height / picture.Height);
            }
        }

        BlendMode.Pop();
        _used = 0;
    }

    /// <summary>One texel per block in the work target: the mean of the block's pixels (CPU: Engines/Pixelate.cs).</summary>
    private bool BlockMeans(Slot slot, int block)
    {
        FaceRegion r = slot.Region;
        uint across = (uint)((r.Width + block - 1) / block), down = (uint)((r.Height + block - 1) / block);
        if (!slot.Work.Begin(across, down))
        {
            return false;
        }

        RenderTarget picture = slot.Picture;
        GpuEffect.SetTexture(fx.Image, picture.Texture);
        GpuEffect.Set(fx.Region, 0, 0, r.Width, r.Height);
        GpuEffect.Set(fx.FrameSize, picture.Width, picture.Height, 1f / picture.Width, 1f / picture.Height);
        GpuEffect.Set(fx.Grid, block, across, down);
        fx.DrawQuad("BlockMean"u8, across, down);
        slot.Work.End();
        slot.Block = block;
        return true;
    }

    /// <summary>Box blur passes, horizontal then vertical, ending back in the picture target (CPU: Engines/BoxBlur.cs).</summary>
    private bool Blur(Slot slot, int radius, int passes)
    {
        uint w = (uint)slot.Region.Width, h = (uint)slot.Region.Height;
        bool ok = true;
        for (int pass = 0; pass < passes && ok; pass++)
        {
            ok = BoxPass.Run(fx, slot.Picture, slot.Work, w, h, radius, horizontal: true) && BoxPass.Run(fx, slot.Work, slot.Picture, w, h, radius, horizontal: false);
        }

        return ok;
    }

    public void Dispose()
    {
        foreach (Slot slot in _slots)
        {
            slot.Picture.Dispose();
            slot.Work.Dispose();
        }
    }

    /// <summary>One face's textures: its region of the picture, and the block means or blur scratch.</summary>
    private sealed class Slot
    {
        public RenderTarget Picture { get; } = new(GS_BGRA);
        public RenderTarget Work { get; } = new(GS_BGRA);
        public FaceRegion Region { get; set; }
        public bool Pixelate { get; set; }
        public int Block { get; set; }
    }
}
