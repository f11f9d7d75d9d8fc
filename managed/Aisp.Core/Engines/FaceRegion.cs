using Aisp.Core.Detection;

namespace Aisp.Core.Engines;

/// <summary>
/// The pixel rectangle an engine owns for one face: the box grown by a padding fraction, clipped
/// to the frame and snapped to even coordinates so that half-resolution chroma planes cover
/// exactly the same area as luma.
/// </summary>
public readonly record struct FaceRegion(int X, int Y, int Width, int Height)
{
    public bool IsEmpty => Width <= 0 || Height <= 0;

    public static FaceRegion From(in BoxF box, float padding, int frameWidth, int frameHeight)
    {
        float padX = box.Width * padding, padY = box.Height * padding;
        int x0 = (int)MathF.Floor(box.Left - padX) & ~1;
        int y0 = (int)MathF.Floor(box.Top - padY) & ~1;
        int x1 = ((int)MathF.Ceiling(box.Right + padX) + 1) & ~1;
        int y1 = ((int)MathF.Ceiling(box.Bottom + padY) + 1) & ~1;
        x0 = Math.Clamp(x0, 0, frameWidth);
        y0 = Math.Clamp(y0, 0, frameHeight);
        x1 = Math.Clamp(x1, 0, frameWidth);
        y1 = Math.Clamp(y1, 0, frameHeight);
        return new FaceRegion(x0, y0, x1 - x0, y1 - y0);
    }
}
