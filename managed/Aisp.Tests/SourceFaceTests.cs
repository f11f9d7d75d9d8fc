using Aisp.Cli;
using Aisp.Core;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace Aisp.Tests;

public sealed class SourceFaceTests
{
    [Fact]
    public void A_picture_without_a_face_is_refused_and_swaps_pass_through()
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"morph\""), NullLoggerFactory.Instance);
        using Mat ice = TestAssets.Load(TestAssets.IceBlock);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(ice);
        AispException e = Assert.Throws<AispException>(() => pipeline.SetSourceImage(buffers.AsFrame(), "ice.jpg"));
        Assert.Equal(ErrorKind.SourceImage, e.Kind);
        Assert.Contains("ice.jpg has no face", e.Message, StringComparison.Ordinal);
        Assert.Null(pipeline.Source);
        Assert.Contains("no face", pipeline.Stats.Read([]).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_several_faces_the_largest_is_taken()
    {
        using var mosaic = FaceMosaic.Build(1280, 720, 1280 / 12); // faces 106 px wide; the pasted one is 155 px
        using Mat big = TestAssets.Load(TestAssets.GraceHopper);
        big.Resize(new Size(400, 400)).CopyTo(mosaic.Image[new Rect(860, 300, 400, 400)]);
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"morph\""), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(mosaic.Image);
        pipeline.SetSourceImage(buffers.AsFrame(), "group");
        Assert.True(pipeline.Source!.FacesInImage > 2);
        // The pasted Grace Hopper's hand-measured face, scaled 400/512 and moved to (860, 300); a
        // mosaic face to its right or below would also be "right of 860", so the box itself is checked.
        const float Scale = 400f / 512;
        BoxF pasted = new(860 + (TestAssets.GraceHopperFace.Left * Scale), 300 + (TestAssets.GraceHopperFace.Top * Scale),
            860 + (TestAssets.GraceHopperFace.Right * Scale), 300 + (TestAssets.GraceHopperFace.Bottom * Scale));
        BoxF taken = pipeline.Source.Face.Box;
        Assert.True(taken.IoU(pasted) > 0.5, $"took the face at {taken}, the largest is at {pasted}");
        Assert.True(taken.Width > 1.2f * mosaic.Faces[0].Width, $"took a face {taken.Width:F0} px wide; the mosaic's are {mosaic.Faces[0].Width:F0}");
        Assert.True(pipeline.Source.Face.HasLandmarks);
    }

    [Fact]
    public void A_huge_picture_is_refused_with_its_size()
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"morph\""), NullLoggerFactory.Instance);
        using var huge = new Mat(16, 5000, MatType.CV_8UC3, Scalar.All(128));
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(huge);
        AispException e = Assert.Throws<AispException>(() => pipeline.SetSourceImage(buffers.AsFrame(), "huge.png"));
        Assert.Contains("5000x16", e.Message, StringComparison.Ordinal);
    }
}
