using Aisp.Core.Detection;

namespace Aisp.Core.Frames;

/// <summary>
/// Fills a model input from a rectangle of a frame (stretched to the input size), sampling the
/// frame's own planes bilinearly. Grayscale uses OpenCV's BGR2GRAY weights.
/// </summary>
public static class CropSampler
{
    public static void FillGray(in Frame frame, in BoxF crop, int width, int height, float mean, float std, Span<float> tensor)
    {
        var sampler = new RgbSampler(frame);
        float sx = crop.Width / width, sy = crop.Height / height, inv = 1f / std;
        for (int y = 0; y < height; y++)
        {
            float fy = crop.Top + ((y + 0.5f) * sy) - 0.5f;
            for (int x = 0; x < width; x++)
            {
                float fx = crop.Left + ((x + 0.5f) * sx) - 0.5f;
                Bilinear(sampler, frame.Width, frame.Height, fx, fy, out float r, out float g, out float b);
                tensor[(y * width) + x] = ((0.299f * r) + (0.587f * g) + (0.114f * b) - mean) * inv;
            }
        }
    }

    /// <summary>Bilinear RGB at a fractional frame position, clamped to the frame.</summary>
    public static void Bilinear(in RgbSampler sampler, int frameWidth, int frameHeight, float fx, float fy, out float r, out float g, out float b)
    {
        var tap = new BilinearTap(fx, fy, frameWidth, frameHeight);
        sampler.Sample(tap.X0, tap.Y0, out int r00, out int g00, out int b00);
        sampler.Sample(tap.X1, tap.Y0, out int r10, out int g10, out int b10);
        sampler.Sample(tap.X0, tap.Y1, out int r01, out int g01, out int b01);
        sampler.Sample(tap.X1, tap.Y1, out int r11, out int g11, out int b11);
        r = tap.Blend(r00, r10, r01, r11);
        g = tap.Blend(g00, g10, g01, g11);
        b = tap.Blend(b00, b10, b01, b11);
    }
}
