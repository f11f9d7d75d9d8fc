using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

public sealed class MorphTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(PixelFormat.Bgra)]
    [InlineData(PixelFormat.I420)]
    public void Morphing_A_onto_B_changes_the_face_keeps_the_rest_and_keeps_B_geometry(PixelFormat format)
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"morph\""));
        using Mat target = TestAssets.Load(TestAssets.GraceHopper);
        using var buffers = new FrameBuffers(format);
        buffers.Load(target);
        byte[] before = buffers.Snapshot();

        pipeline.Process(buffers.AsFrame());
        Face b = Assert.Single(pipeline.LastFaces.ToArray());
        Assert.True(b.HasLandmarks);
        byte[] after = buffers.Snapshot();

        // Changes stay inside the mesh's box (plus chroma rounding): the swap covers the face up to the forehead.
        Assert.True(b.HasMesh);
        BoxF hull = MeshHull(b);
        int w = buffers.Width, h = buffers.Height, outside = 0;
        double insideDelta = 0;
        int insideCount = 0;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int i = format == PixelFormat.Bgra ? ((y * w) + x) * 4 : (y * w) + x; // BGRA bytes or luma
                int delta = Math.Abs(before[i] - after[i]);
                bool inHull = x >= hull.Left - 2 && x <= hull.Right + 2 && y >= hull.Top - 2 && y <= hull.Bottom + 2;
                bool nearHull = x >= hull.Left - (hull.Width * 0.06f) - 2 && x <= hull.Right + (hull.Width * 0.06f) + 2 && y >= hull.Top - (hull.Height * 0.06f) - 2 && y <= hull.Bottom + (hull.Height * 0.06f) + 2;
                if (!nearHull && delta != 0)
                {
                    outside++;
                }

                if (inHull)
                {
                    insideDelta += delta;
                    insideCount++;
                }
            }
        }

        double meanDelta = insideDelta / insideCount;
        output.WriteLine($"{format}: mean change inside the hull box {meanDelta:F1}, changed bytes outside {outside}");
        Assert.Equal(0, outside);
        Assert.True(meanDelta > 8, $"the face barely changed (mean delta {meanDelta:F1})");

        // Geometry kept: landmarks found on the result sit where B's were.
        using var check = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"landmarks\",\"stabilize\":false"));
        using var result = new Mat();
        buffers.Store(result);
        using var again = new FrameBuffers(PixelFormat.Bgra);
        again.Load(result);
        check.Process(again.AsFrame());
        Face found = Assert.Single(check.LastFaces.ToArray());
        double mean = 0;
        for (int i = 0; i < FaceLandmarks.Count; i++)
        {
            mean += Distance(found.Landmarks[i], b.Landmarks[i]);
        }

        mean /= FaceLandmarks.Count * b.Box.Width;
        output.WriteLine($"{format}: landmarks moved {mean:P2} of the face width");
        Assert.True(mean < 0.05, $"landmarks moved {mean:P1} of the face width");
    }

    [Fact]
    public void Without_a_source_face_the_frame_passes_through_and_the_status_says_why()
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"morph\""), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        using Mat target = TestAssets.Load(TestAssets.GraceHopper);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(target);
        byte[] before = buffers.Snapshot();
        pipeline.Process(buffers.AsFrame());
        Assert.Equal(before, buffers.Snapshot());
        Assert.Contains("no source face", pipeline.Stats.Read([]).Notice, StringComparison.Ordinal);
    }

    /// <summary>A colour face swapped onto a grayscale picture stays grayscale (the transfer follows the target's saturation down, not only up).</summary>
    [Fact]
    public void A_grayscale_target_keeps_a_grayscale_face()
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"morph\""));
        using Mat colour = TestAssets.Load(TestAssets.GraceHopper);
        using Mat grey = colour.CvtColor(ColorConversionCodes.BGR2GRAY).CvtColor(ColorConversionCodes.GRAY2BGR);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(grey);
        pipeline.Process(buffers.AsFrame());
        Face face = Assert.Single(pipeline.LastFaces.ToArray());
        using var result = new Mat();
        buffers.Store(result);
        using Mat changed = new();
        Cv2.Absdiff(result, grey, changed);
        Assert.True(Cv2.Mean(changed[ToRect(Hull(face))]).Val0 > 4, "the face was not swapped");

        // Chroma of the swapped face: the spread between its colour channels, per pixel, in grey levels.
        using Mat hsv = result[ToRect(Hull(face))].CvtColor(ColorConversionCodes.BGR2HSV);
        double saturation = Cv2.Mean(hsv).Val1;
        output.WriteLine($"mean saturation of the swapped face on a grayscale target: {saturation:F1} of 255");
        Assert.True(saturation < 2, $"the face on a grayscale picture is coloured (mean saturation {saturation:F1})");
    }

    private static Rect ToRect(BoxF b) => new((int)b.Left, (int)b.Top, (int)b.Width, (int)b.Height);

    [Fact]
    public void The_mouth_opening_is_never_drawn_and_keep_expression_leaves_the_eye_openings_too()
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"morph\""));
        ref readonly Face source = ref pipeline.Source!.Face;
        Assert.True(source.HasMesh);
        int all = Aisp.Core.Swap.MeshSwapPlan.For(source, keepExpression: false).Triangles.Length / 3;
        int kept = Aisp.Core.Swap.MeshSwapPlan.For(source, keepExpression: true).Triangles.Length / 3;
        output.WriteLine($"{all} triangles, {kept} with the eyes kept");
        Assert.InRange(all, 850, 910); // a triangulated disc of 468 points, 36 on its edge: 2 V - B - 2 = 898, less the mouth opening
        Assert.InRange(all - kept, 20, 40); // each eye opening spans 14 triangles between its 16 lid points
        int[] t = Aisp.Core.Swap.MeshSwapPlan.For(source, keepExpression: false).Triangles;
        for (int i = 0; i < t.Length; i += 3)
        {
            Assert.False(t[i..(i + 3)].All(v => Aisp.Core.Landmarks.MeshTopology.InnerLips.Contains(v)), $"triangle {t[i]} {t[i + 1]} {t[i + 2]} spans the mouth opening");
        }
    }

    private static BoxF MeshHull(in Face f)
    {
        float l = float.MaxValue, t = float.MaxValue, r = 0, b = 0;
        foreach (Aisp.Core.Landmarks.Point3 p in f.Mesh)
        {
            (l, t, r, b) = (Math.Min(l, p.X), Math.Min(t, p.Y), Math.Max(r, p.X), Math.Max(b, p.Y));
        }

        return new BoxF(l, t, r, b);
    }

    private static BoxF Hull(in Face f)
    {
        float l = float.MaxValue, t = float.MaxValue, r = 0, b = 0;
        for (int i = 0; i < FaceLandmarks.Count; i++)
        {
            l = Math.Min(l, f.Landmarks[i].X);
            t = Math.Min(t, f.Landmarks[i].Y);
            r = Math.Max(r, f.Landmarks[i].X);
            b = Math.Max(b, f.Landmarks[i].Y);
        }

        return new BoxF(l, t, r, b);
    }

    private static double Distance(PointF a, PointF b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
}
