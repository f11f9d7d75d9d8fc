using Aisp.Core.Frames;

namespace Aisp.Core.Swap;

/// <summary>
/// Fills an NCHW RGB tensor with an aligned face crop: each crop pixel is mapped back through the
/// inverse alignment and sampled bilinearly, from a frame or from the source picture, then
/// normalised as (value - mean) / std.
/// </summary>
public static class AlignedCrop
{
    /// <param name="layout">NCHW (planes, as the swap models take) or NHWC (interleaved, as MediaPipe's converted models take).</param>
    public static void FromFrame(in Frame frame, Affine2D frameToCrop, int size, float mean, float std, Span<float> tensor, TensorLayout layout = TensorLayout.Nchw)
    {
        bool interleaved = layout == TensorLayout.Nhwc;
        Affine2D cropToFrame = frameToCrop.Inverse();
        var sampler = new RgbSampler(frame);
        int plane = size * size;
        float inv = 1f / std;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                (float fx, float fy) = cropToFrame.Apply(x + 0.5f, y + 0.5f);
                CropSampler.Bilinear(sampler, frame.Width, frame.Height, fx - 0.5f, fy - 0.5f, out float r, out float g, out float b);
                int i = (y * size) + x;
                (int ri, int gi, int bi) = interleaved ? (3 * i, (3 * i) + 1, (3 * i) + 2) : (i, plane + i, (2 * plane) + i);
                tensor[ri] = (r - mean) * inv;
                tensor[gi] = (g - mean) * inv;
                tensor[bi] = (b - mean) * inv;
            }
        }
    }

    public static void FromImage(RgbImage image, Affine2D imageToCrop, int size, float mean, float std, Span<float> tensor)
    {
        Affine2D cropToImage = imageToCrop.Inverse();
        int plane = size * size;
        float inv = 1f / std;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                (float fx, float fy) = cropToImage.Apply(x + 0.5f, y + 0.5f);
                image.Sample(fx - 0.5f, fy - 0.5f, out float r, out float g, out float b);
                int i = (y * size) + x;
                tensor[i] = (r - mean) * inv;
                tensor[plane + i] = (g - mean) * inv;
                tensor[(2 * plane) + i] = (b - mean) * inv;
            }
        }
    }
}
