using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// The pipeline side of the GPU compositor (the drawing itself is checked in headless OBS): frames
/// handed over for analysis only are not painted, a downscaled analysis copy gives the same faces in
/// output pixels, and the colour statistics the shader matches are measured.
/// </summary>
public sealed class CompositeTests(ITestOutputHelper output)
{
    private static Mat Scene() => TestAssets.AstronautScene(512, 500, 100);

    [Fact]
    public void With_the_gpu_compositor_a_frame_is_handed_over_but_not_painted()
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"morph\",\"compositor\":\"gpu\""), TestAssets.GraceHopper);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        using Mat scene = Scene();
        buffers.Load(scene);
        byte[] pristine = buffers.Snapshot();

        pipeline.Process(buffers.AsFrame(33_333_333));
        Assert.True(pipeline.ComposesOnGpu);
        Assert.Equal(pristine, buffers.Snapshot());
        CompositeView view = pipeline.BeginComposite(33_333_333, newFrame: true, 1280, 720);
        Face face = Assert.Single(view.Faces.ToArray());
        Aisp.Core.Source.SourceGroup group = Assert.Single(view.Sources.ToArray());
        Assert.Equal((0, 1), (group.Start, group.Count));
        Aisp.Core.Source.SourceFace source = group.Source!;
        Assert.True(face.HasLandmarks);
        Assert.False(face.Colour.IsEmpty, "the target's colour statistics were not measured");
        Assert.False(source.Colour.IsEmpty, "the source's colour statistics were not measured");
        output.WriteLine($"target L*a*b* mean {face.Colour.MeanL:F1} {face.Colour.MeanA:F1} {face.Colour.MeanB:F1}, source {source.Colour.MeanL:F1} {source.Colour.MeanA:F1} {source.Colour.MeanB:F1}");

        // Both are faces lit in daylight: skin is mid-light, reddish and yellowish in L*a*b*, and varies.
        foreach (Aisp.Core.Swap.LabStats c in new[] { face.Colour, source.Colour })
        {
            Assert.InRange(c.MeanL, 30, 90);
            Assert.InRange(c.MeanA, 5, 40);
            Assert.InRange(c.MeanB, 5, 40);
            Assert.InRange(c.DevL, 3, 40);
        }

        // The CPU compositor paints the same frame.
        pipeline.Update("{\"compositor\":\"cpu\"}");
        pipeline.Process(buffers.AsFrame(66_666_666));
        pipeline.Process(buffers.AsFrame(99_999_999));
        Assert.False(pipeline.ComposesOnGpu);
        Assert.NotEqual(pristine, buffers.Snapshot());
    }

    [Fact]
    public void A_downscaled_analysis_copy_gives_the_same_faces_in_output_pixels()
    {
        using Mat scene = Scene();
        using Mat half = scene.Resize(new Size(640, 360), 0, 0, InterpolationFlags.Area);
        using var full = new FrameBuffers(PixelFormat.Bgra);
        using var small = new FrameBuffers(PixelFormat.Bgra);
        full.Load(scene);
        small.Load(half);
        string json = TestAssets.Json(extra: "\"engine\":\"landmarks\",\"compositor\":\"gpu\"");
        using var direct = FacePipeline.Create(json, NullLoggerFactory.Instance);
        using var scaled = FacePipeline.Create(json, NullLoggerFactory.Instance);

        direct.SubmitForAnalysis(full.AsFrame(1000), 1, 0);
        scaled.SubmitForAnalysis(small.AsFrame(1000), 2, 0);
        Face a = Assert.Single(direct.BeginComposite(1000, newFrame: true, 1280, 720).Faces.ToArray());
        Face b = Assert.Single(scaled.BeginComposite(1000, newFrame: true, 1280, 720).Faces.ToArray());

        float width = a.Box.Width, error = 0;
        for (int i = 0; i < FaceLandmarks.Count; i++)
        {
            error += MathF.Sqrt(MathF.Pow(a.Landmarks[i].X - b.Landmarks[i].X, 2) + MathF.Pow(a.Landmarks[i].Y - b.Landmarks[i].Y, 2));
        }

        error /= FaceLandmarks.Count;
        output.WriteLine($"box {a.Box} vs {b.Box}; mean landmark distance {error:F2} px = {100 * error / width:F1} % of the face width");
        Assert.InRange(b.Box.Left, a.Box.Left - (0.05f * width), a.Box.Left + (0.05f * width));
        Assert.InRange(b.Box.Right, a.Box.Right - (0.05f * width), a.Box.Right + (0.05f * width));
        Assert.True(error < 0.03f * width, $"landmarks from the half-size copy are {error:F1} px off");
        Assert.InRange((b.Box.Left + b.Box.Right) / 2, 500 + 172, 500 + 270); // on the astronaut's face, in 1280x720 pixels
    }
}
