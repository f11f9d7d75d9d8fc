using Aisp.Cli;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>The analysis hand-off copy: whole up to 640 px wide, decimated beyond, and mapped back by its scale.</summary>
public sealed unsafe class FrameCopyTests
{
    [Theory]
    [InlineData(1280, 720, PixelFormat.Bgra, 2)]
    [InlineData(1280, 720, PixelFormat.I420, 2)]
    [InlineData(1280, 720, PixelFormat.Nv12, 2)]
    [InlineData(1920, 1080, PixelFormat.Bgra, 3)]
    [InlineData(640, 360, PixelFormat.Bgra, 1)]
    [InlineData(512, 512, PixelFormat.I420, 1)]
    public void Wide_frames_are_decimated_pixel_for_pixel(int width, int height, PixelFormat format, int step)
    {
        using Mat photo = TestAssets.Load(TestAssets.Astronaut);
        using Mat scene = photo.Resize(new Size(width, height));
        using var buffers = new FrameBuffers(format);
        buffers.Load(scene);
        Frame frame = buffers.AsFrame(1234);
        var copy = new FrameCopy();
        copy.CopyFrom(frame);
        Frame view = copy.View;

        Assert.Equal(format, view.Format);
        Assert.Equal(1234, view.TimestampNs);
        Assert.Equal(step == 1 ? width : (width / step) & ~1, view.Width);
        Assert.Equal(step == 1 ? height : (height / step) & ~1, view.Height);
        Assert.Equal((float)width / view.Width, copy.Scale, 4);
        var original = new RgbSampler(frame);
        var copied = new RgbSampler(view);
        // Even positions: there the copy's half-resolution chroma maps onto the frame's exactly.
        for (int y = 0; y < view.Height; y += 8)
        {
            for (int x = 0; x < view.Width; x += 6)
            {
                original.Sample(x * step, y * step, out int r0, out int g0, out int b0);
                copied.Sample(x, y, out int r1, out int g1, out int b1);
                Assert.True(r0 == r1 && g0 == g1 && b0 == b1, $"pixel {x},{y}: {r1},{g1},{b1} against the frame's {r0},{g0},{b0} at {x * step},{y * step}");
            }
        }

        // The view points into the copy's pinned buffer: the copy must outlive the reads (a pinned
        // array is still collected once nothing references it, and the JIT may drop 'copy' early).
        GC.KeepAlive(copy);
    }
}
