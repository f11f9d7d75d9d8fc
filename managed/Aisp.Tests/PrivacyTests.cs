using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace Aisp.Tests;

public sealed class PrivacyTests
{
    public static TheoryData<PixelFormat, string> FormatsAndModes()
    {
        var data = new TheoryData<PixelFormat, string>();
        foreach (PixelFormat f in new[] { PixelFormat.Bgra, PixelFormat.Bgrx, PixelFormat.Rgba, PixelFormat.Nv12, PixelFormat.I420 })
        {
            data.Add(f, "pixelate");
            data.Add(f, "blur");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormatsAndModes))]
    public void Changes_the_face_region_and_leaves_every_other_byte_identical(PixelFormat format, string mode)
    {
        using Mat bgr = TestAssets.Load(TestAssets.Astronaut);
        using var buffers = new FrameBuffers(format);
        buffers.Load(bgr);
        byte[] before = buffers.Snapshot();
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: $"\"privacy_mode\":\"{mode}\""), NullLoggerFactory.Instance);

        pipeline.Process(buffers.AsFrame());

        Face face = Assert.Single(pipeline.LastFaces.ToArray());
        FaceRegion region = FaceRegion.From(face.Box, pipeline.Settings.PrivacyPadding, buffers.Width, buffers.Height);
        byte[] after = buffers.Snapshot();
        PlaneDiff diff = PlaneDiff.Compare(format, buffers.Width, buffers.Height, before, after, region);
        Assert.Equal(0, diff.ChangedOutside);
        Assert.True(diff.ChangedInsideShare > 0.5, $"only {diff.ChangedInsideShare:P0} of the face region's luma/colour bytes changed");
        Assert.True(region.Width > face.Box.Width && region.Height > face.Box.Height, "padding must grow the region");
    }

    [Fact]
    public void Stronger_pixelation_makes_bigger_blocks()
    {
        var weak = new PrivacyEngine(PrivacyMode.Pixelate, 10, 0.2f);
        var strong = new PrivacyEngine(PrivacyMode.Pixelate, 90, 0.2f);
        Assert.True(strong.EffectSize(100) > 2 * weak.EffectSize(100));
    }

    [Fact]
    public unsafe void Pixelate_makes_each_block_its_mean()
    {
        byte[] plane = new byte[8 * 4];
        for (int i = 0; i < plane.Length; i++)
        {
            plane[i] = (byte)(i * 7);
        }

        fixed (byte* p = plane)
        {
            Pixelate.Apply(new PlaneRect(p, 8, 1, 1, 0, 0, 8, 4), 4);
        }

        // Block (0,0) holds rows 0-3, columns 0-3: values 7*(r*8+c); the mean is 7*13.5 = 94.5 -> 95 (rounded).
        Assert.Equal(95, plane[0]);
        Assert.Equal(95, plane[(3 * 8) + 3]);
        Assert.Equal(95 + 28, plane[4]); // the next block is 4 columns on: +28
    }

    [Fact]
    public void No_face_means_no_change()
    {
        using Mat bgr = TestAssets.Load(TestAssets.IceBlock);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        byte[] before = buffers.Snapshot();
        using var pipeline = FacePipeline.Create(TestAssets.Json(), NullLoggerFactory.Instance);
        pipeline.Process(buffers.AsFrame());
        Assert.Equal(before, buffers.Snapshot());
    }
}

/// <summary>Counts changed bytes inside and outside a luma-space region, plane by plane.</summary>
public readonly record struct PlaneDiff(int ChangedOutside, double ChangedInsideShare)
{
    public static PlaneDiff Compare(PixelFormat format, int width, int height, byte[] before, byte[] after, FaceRegion region)
    {
        int outside = 0, inside = 0, insideTotal = 0;
        void Plane(int offset, int w, int h, int bpp, int scale)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    bool inRegion = x * scale >= region.X && x * scale < region.X + region.Width && y * scale >= region.Y && y * scale < region.Y + region.Height;
                    for (int b = 0; b < bpp; b++)
                    {
                        int i = offset + (((y * w) + x) * bpp) + b;
                        bool changed = before[i] != after[i];
                        bool alpha = bpp == 4 && b == 3;
                        if (inRegion && !alpha)
                        {
                            insideTotal++;
                            inside += changed ? 1 : 0;
                        }
                        else if (changed)
                        {
                            outside++;
                        }
                    }
                }
            }
        }

        switch (format)
        {
            case PixelFormat.Nv12:
                Plane(0, width, height, 1, 1);
                Plane(width * height, width / 2, height / 2, 2, 2);
                break;
            case PixelFormat.I420:
                Plane(0, width, height, 1, 1);
                Plane(width * height, width / 2, height / 2, 1, 2);
                Plane(width * height * 5 / 4, width / 2, height / 2, 1, 2);
                break;
            default:
                Plane(0, width, height, 4, 1);
                break;
        }

        return new PlaneDiff(outside, insideTotal == 0 ? 0 : (double)inside / insideTotal);
    }
}
