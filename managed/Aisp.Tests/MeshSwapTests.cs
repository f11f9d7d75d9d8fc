using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Landmarks;
using Aisp.Core.Models;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// The mesh swap on the 468 points, on real photos: the mirror table, the target's own open mouth
/// and eyes, a turned picture swapped like the upright one, three-quarter faces (culling, mirrored
/// sides), and the frame thread's share (placing prepared crops only).
/// </summary>
public sealed class MeshSwapTests(ITestOutputHelper output)
{
    [Fact]
    public void The_mirror_table_pairs_each_vertex_with_its_mirror_image_on_real_photos()
    {
        using var mesh = new FaceMesh(ModelCatalog.Load(TestAssets.ModelsDir).Get(AnalysisModels.MeshModel), "cpu", 1, NullLogger.Instance);
        foreach (string photo in new[] { TestAssets.Astronaut, TestAssets.GraceHopper, TestAssets.GroupPhoto("sample1"), TestAssets.GroupPhoto("sample6") })
        {
            using Mat bgr = TestAssets.Load(photo);
            using Mat flipped = bgr.Flip(FlipMode.Y);
            Face face = DetectionTests.Detect(DetectorNames.Default, bgr, PixelFormat.Bgra).MaxBy(f => f.Box.Area);
            var mirrorBox = new BoxF(bgr.Width - face.Box.Right, face.Box.Top, bgr.Width - face.Box.Left, face.Box.Bottom);
            Point3[] p = FaceMeshTests.Mesh(mesh, bgr, face.Box, 0, out _), q = FaceMeshTests.Mesh(mesh, flipped, mirrorBox, 0, out _);
            float iod = FaceMesh.InterOcular(p);
            double paired = 0, unpaired = 0;
            for (int i = 0; i < FaceMesh.Count; i++)
            {
                // Vertex i of the mirror image, reflected back, lands on vertex Mirror(i) of the photo.
                float x = bgr.Width - q[i].X, y = q[i].Y;
                int m = MeshTopology.Mirror(i);
                Assert.Equal(i, MeshTopology.Mirror(m));
                paired += Math.Sqrt(Math.Pow(p[m].X - x, 2) + Math.Pow(p[m].Y - y, 2)) / iod;
                unpaired += Math.Sqrt(Math.Pow(p[i].X - x, 2) + Math.Pow(p[i].Y - y, 2)) / iod;
            }

            paired /= FaceMesh.Count;
            unpaired /= FaceMesh.Count;
            output.WriteLine($"{Path.GetFileName(photo)}: mirror partner {paired:P1} of the eye distance away, the vertex itself {unpaired:P1}");
            Assert.True(paired < 0.08, $"{photo}: mirrored vertices are {paired:P1} of the eye distance apart"); // the mesh itself moves a few % between a photo and its mirror image
            Assert.True(unpaired > 5 * paired, $"{photo}: the table pairs no better than no table");
        }
    }

    [Fact]
    public void An_open_mouth_keeps_its_own_teeth_and_keep_expression_keeps_the_eyes()
    {
        // The astronaut smiles with her teeth showing; Grace Hopper's mouth is closed.
        using Mat target = TestAssets.Load(TestAssets.Astronaut);
        (Mat kept, Face face) = Swap(target, "\"engine\":\"morph\",\"keep_expression\":true", TestAssets.GraceHopper);
        (Mat plain, _) = Swap(target, "\"engine\":\"morph\",\"keep_expression\":false", TestAssets.GraceHopper);
        using (kept)
        using (plain)
        {
            double mouthArea = Area(face, MeshTopology.InnerLips);
            Assert.True(mouthArea > 60, $"the mouth is not open ({mouthArea:F0} px): the test needs teeth to keep");
            double mouthKept = Change(target, kept, face, MeshTopology.InnerLips), mouthPlain = Change(target, plain, face, MeshTopology.InnerLips);
            double eyesKept = (Change(target, kept, face, MeshTopology.RightEye) + Change(target, kept, face, MeshTopology.LeftEye)) / 2;
            double eyesPlain = (Change(target, plain, face, MeshTopology.RightEye) + Change(target, plain, face, MeshTopology.LeftEye)) / 2;
            double cheeks = Change(target, plain, face, MeshTopology.Oval);
            output.WriteLine($"mean change (grey levels): mouth opening {mouthKept:F1} / {mouthPlain:F1} (keep_expression on / off), eyes {eyesKept:F1} / {eyesPlain:F1}, whole face {cheeks:F1}");
            Assert.True(cheeks > 12, $"the face was not swapped (mean change {cheeks:F1})");
            Assert.True(mouthKept < 3 && mouthPlain < 3, $"the mouth opening changed by {mouthKept:F1} / {mouthPlain:F1}: the target's teeth must stay");
            Assert.True(eyesKept < 4, $"keep_expression changed the eyes by {eyesKept:F1}");
            Assert.True(eyesPlain > 2 * eyesKept + 4, $"without keep_expression the eyes should be the source's (changed {eyesPlain:F1})");
        }
    }

    [Theory]
    [InlineData(TestAssets.GraceHopper, TestAssets.Astronaut, RotateFlags.Rotate90Clockwise)]
    [InlineData(TestAssets.GraceHopper, TestAssets.Astronaut, RotateFlags.Rotate180)]
    [InlineData(TestAssets.Astronaut, TestAssets.GraceHopper, RotateFlags.Rotate90Counterclockwise)] // UltraFace misses Grace Hopper turned this way
    public void A_turned_picture_gets_the_upright_pictures_swap_turned(string target, string source, RotateFlags turn)
    {
        using Mat upright = TestAssets.Load(target);
        using Mat turned = new();
        Cv2.Rotate(upright, turned, turn);
        (Mat swapped, Face face) = Swap(upright, "\"engine\":\"morph\"", source);
        (Mat swappedTurned, _) = Swap(turned, "\"engine\":\"morph\"", source);
        using (swapped)
        using (swappedTurned)
        using (Mat expected = new())
        {
            Cv2.Rotate(swapped, expected, turn);
            using Mat mask = new Mat(turned.Size(), MatType.CV_8UC1, Scalar.All(0));
            using Mat faceMask = FaceMask(upright.Size(), face, MeshTopology.Oval);
            Cv2.Rotate(faceMask, mask, turn);
            // Compared a little blurred: the mesh lands a few % of the eye distance differently on a turned
            // picture, which moves fine texture by a pixel or two; a swap drawn upright on a turned face differs wholesale.
            using Mat a = turned.GaussianBlur(new Size(0, 0), 2), b = expected.GaussianBlur(new Size(0, 0), 2), c = swappedTurned.GaussianBlur(new Size(0, 0), 2);
            double change = Mean(a, b, mask), apart = Mean(c, b, mask);
            output.WriteLine($"{Path.GetFileName(target)} {turn}: the swap changed the face by {change:F1} grey levels; swapping the turned picture differs from turning the swapped one by {apart:F1}");
            Assert.True(change > 10, $"the face was not swapped ({change:F1})");
            Assert.True(apart < change / 2, $"the turned picture's swap differs by {apart:F1} from the upright one's, turned (the swap itself changed {change:F1})");
        }
    }

    [Fact]
    public void On_a_three_quarter_face_turned_away_triangles_are_not_drawn_and_a_hidden_side_comes_from_its_mirror()
    {
        // The most turned face of the group photos, as target and as source.
        (Face turned, string photo) = MostTurned();
        output.WriteLine($"most turned face: {Path.GetFileName(photo)}, yaw {turned.Yaw:F0} degrees");
        Assert.True(MathF.Abs(turned.Yaw) > 20, $"no three-quarter face in the photos (yaw {turned.Yaw:F0})");

        MeshSwapPlan plan = MeshSwapPlan.For(turned, keepExpression: false);
        int away = 0, mirrored = 0;
        for (int t = 0; t < plan.Triangles.Length; t += 3)
        {
            away += MeshSwapPlan.Facing(turned.Mesh, plan.Triangles[t], plan.Triangles[t + 1], plan.Triangles[t + 2]) <= 0 ? 1 : 0;
            mirrored += plan.OwnFacing[t / 3] < 0.35f && plan.MirrorFacing[t / 3] > plan.OwnFacing[t / 3] + 0.15f ? 1 : 0;
        }

        // The same numbers for a frontal face: few of either.
        using var frontal = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"morph\""), TestAssets.GraceHopper);
        MeshSwapPlan front = MeshSwapPlan.For(frontal.Source!.Face, keepExpression: false);
        int frontMirrored = Enumerable.Range(0, front.OwnFacing.Length).Count(t => front.OwnFacing[t] < 0.35f && front.MirrorFacing[t] > front.OwnFacing[t] + 0.15f);
        output.WriteLine($"turned: {away} of {plan.Triangles.Length / 3} triangles face away (not drawn), {mirrored} taken from the mirror side as a source; frontal: {frontMirrored}");
        Assert.True(away >= 5, $"only {away} triangles face away on a face turned {turned.Yaw:F0} degrees");
        Assert.True(mirrored >= 10 && mirrored > 3 * frontMirrored, $"{mirrored} triangles mirrored on the turned source, {frontMirrored} on a frontal one");
    }

    /// <summary>The frame thread's fast path (a crop moved by a fraction of a pixel, fixed tap weights, row spans) paints what the general one does.</summary>
    [Fact]
    public void The_frame_threads_fast_placement_paints_what_the_general_one_paints()
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"landmarks\",\"landmarks\":\"mesh\",\"stabilize\":false"), TestAssets.GraceHopper);
        using Mat scene = TestAssets.AstronautScene(512, 500, 100);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(scene);
        byte[] pristine = buffers.Snapshot();
        pipeline.Process(buffers.AsFrame());
        Face face = Assert.Single(pipeline.LastFaces.ToArray());
        using var engine = new Aisp.Core.Engines.MorphEngine(keepExpression: true);
        var crops = new Aisp.Core.Engines.PreparedCrops();
        engine.Prepare(buffers.AsFrame(), [face], pipeline.Source, crops);

        // The face predicted 3.3 px right and 1.7 px down: a crop moved by whole pixels and a fraction.
        face.Shift(3.3f, 1.7f);
        MeshCrop crop = MeshCrop.Of(face, crops.Read(face.TrackId, out int side, out var content).Length > 0 ? side : 0);
        Assert.True(crop.IsTranslation, "a face under 512 px should be drawn one to one");
        var paster = new Aisp.Core.Engines.CropPaster();
        buffers.Restore(pristine);
        paster.Paste(buffers.AsFrame(), crop, crops.Read(face.TrackId), content, crops.Rows(face.TrackId));
        byte[] fast = buffers.Snapshot();
        buffers.Restore(pristine);
        paster.Paste(buffers.AsFrame(), crop.ToCrop, crops.Read(face.TrackId), side, content);
        byte[] general = buffers.Snapshot();
        int changed = 0, apart = 0;
        for (int i = 0; i < fast.Length; i++)
        {
            changed += fast[i] != pristine[i] ? 1 : 0;
            apart = Math.Max(apart, Math.Abs(fast[i] - general[i]));
        }

        output.WriteLine($"{changed} bytes painted; fast and general placement differ by at most {apart}");
        Assert.True(changed > 20_000, $"only {changed} bytes painted");
        Assert.True(apart <= 1, $"the fast placement differs from the general one by {apart} levels");
    }

    /// <summary>
    /// With analysis beside the frame thread, the frame thread places the crop analysis drew for an
    /// older frame on the face moved by its velocity: on a face moving 180 px/s the swap stays on
    /// the face (the changed pixels' centre on the face's, frame after frame).
    /// </summary>
    [Fact]
    public void On_a_moving_face_the_swap_drawn_for_an_older_frame_lands_where_the_face_is_now()
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"morph\",\"analysis\":\"async\",\"quality\":\"quality\""), TestAssets.GraceHopper);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        const int Step = 6; // pixels per frame at 30 fps
        var offsets = new List<double>();
        for (int i = 0; i < 40; i++)
        {
            int x = 200 + (i * Step);
            using Mat scene = TestAssets.AstronautScene(300, x, 200);
            buffers.Load(scene);
            pipeline.Process(buffers.AsFrame(i * 33_333_333L));
            using Mat after = new();
            buffers.Store(after);
            Assert.True(pipeline.WaitForAnalysis(TimeSpan.FromSeconds(30)), $"frame {i} was never analysed"); // the next frame gets this one's result, however busy the machine
            if (i < 10)
            {
                continue; // the first mesh, the engine switch, the velocity settling
            }

            // Centre of the changed pixels against the centre of the astronaut's face box in this frame.
            using Mat diff = new();
            Cv2.Absdiff(scene, after, diff);
            using Mat grey = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
            using Mat changed = grey.Threshold(12, 255, ThresholdTypes.Binary);
            Moments m = Cv2.Moments(changed, binaryImage: true);
            Assert.True(m.M00 > 500, $"frame {i}: the face was not swapped");
            double cx = m.M10 / m.M00, faceX = x + ((TestAssets.AstronautFace.Left + TestAssets.AstronautFace.Right) / 2 * 300 / 512);
            offsets.Add(cx - faceX);
        }

        double mean = offsets.Average(), spread = Math.Sqrt(offsets.Average(o => (o - mean) * (o - mean)));
        double faceWidth = TestAssets.AstronautFace.Width * 300 / 512;
        output.WriteLine($"swap centre minus face centre: mean {mean:F1} px, spread {spread:F1} px, worst {offsets.Max(Math.Abs):F1} px (face {faceWidth:F0} px wide, moving {Step} px a frame)");
        Assert.True(Math.Abs(mean) < 0.1 * faceWidth, $"the swap trails the face by {mean:F1} px");
        Assert.True(spread < 0.08 * faceWidth, $"the swap wobbles about the face by {spread:F1} px");
    }

    /// <summary>A bowed head cut by the picture's edge scored higher upside down than upright: faces the edge cuts need a plainly better turn to be taken as turned.</summary>
    [Fact]
    public void A_face_the_frames_edge_cuts_is_not_taken_upside_down()
    {
        using Mat all = TestAssets.Load(TestAssets.GroupPhoto("sample2"));
        using Mat cut = all[new Rect(300, 0, 700, 800)].Clone(); // the woman on the right half outside
        using FacePipeline pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"landmarks\",\"landmarks\":\"mesh\""), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(cut);
        pipeline.Process(buffers.AsFrame());
        Face[] faces = pipeline.LastFaces.ToArray();
        Assert.Contains(faces, f => f.Box.Right > cut.Width - 20); // the cut face was found
        foreach (Face f in faces.Where(f => f.HasMesh))
        {
            output.WriteLine($"face at {f.Box.Left:F0}-{f.Box.Right:F0}: roll {f.Roll * 180 / MathF.PI:F0} degrees");
            Assert.True(MathF.Abs(f.Roll) < MathF.PI / 3, $"the face at x {f.Box.Left:F0} was taken as turned {f.Roll * 180 / MathF.PI:F0} degrees");
        }
    }

    /// <summary>The face the group photos show most turned (yaw), with its photo.</summary>
    internal static (Face Face, string Photo) MostTurned()
    {
        using FacePipeline pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"landmarks\",\"landmarks\":\"mesh\",\"stabilize\":false"), NullLoggerFactory.Instance);
        (Face Face, string Photo) best = default;
        foreach (string name in new[] { "sample1", "sample2", "sample3", "sample4", "sample5", "sample6" })
        {
            string photo = TestAssets.GroupPhoto(name);
            using Mat bgr = TestAssets.Load(photo);
            using var buffers = new FrameBuffers(PixelFormat.Bgra);
            buffers.Load(bgr);
            pipeline.Process(buffers.AsFrame());
            foreach (Face f in pipeline.LastFaces)
            {
                if (f.HasMesh && f.Box.Width > 60 && MathF.Abs(f.Yaw) > MathF.Abs(best.Face.Yaw))
                {
                    best = (f, photo);
                }
            }
        }

        return best;
    }

    /// <summary>The swap of <paramref name="target"/> to the face of <paramref name="source"/>, and the face it found.</summary>
    private static (Mat Result, Face Face) Swap(Mat target, string settings, string source)
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(TestAssets.Json(extra: settings), source);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(target);
        pipeline.Process(buffers.AsFrame());
        Face face = pipeline.LastFaces.ToArray().MaxBy(f => f.Box.Area);
        Assert.True(face.HasMesh, "the swapped face has no mesh");
        var result = new Mat();
        buffers.Store(result);
        return (result, face);
    }

    /// <summary>Mean change inside a contour of the face's mesh, shrunk by a fifth towards its centre (the blend's soft edge is the lip line itself).</summary>
    private static double Change(Mat before, Mat after, in Face face, int[] contour)
    {
        using Mat mask = FaceMask(before.Size(), face, contour, shrink: 0.8f);
        return Mean(before, after, mask);
    }

    private static double Mean(Mat a, Mat b, Mat mask)
    {
        using Mat diff = new();
        Cv2.Absdiff(a, b, diff);
        Scalar mean = Cv2.Mean(diff, mask);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3;
    }

    private static Mat FaceMask(Size size, in Face face, int[] contour, float shrink = 1)
    {
        var points = new Point[contour.Length];
        float cx = 0, cy = 0;
        foreach (int v in contour)
        {
            cx += face.Mesh[v].X / contour.Length;
            cy += face.Mesh[v].Y / contour.Length;
        }

        for (int i = 0; i < contour.Length; i++)
        {
            Point3 p = face.Mesh[contour[i]];
            points[i] = new Point((int)MathF.Round(cx + ((p.X - cx) * shrink)), (int)MathF.Round(cy + ((p.Y - cy) * shrink)));
        }

        var mask = new Mat(size, MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(mask, [points], Scalar.All(255));
        return mask;
    }

    private static double Area(in Face face, int[] contour)
    {
        double area = 0;
        for (int i = 0; i < contour.Length; i++)
        {
            Point3 a = face.Mesh[contour[i]], b = face.Mesh[contour[(i + 1) % contour.Length]];
            area += (a.X * b.Y) - (b.X * a.Y);
        }

        return Math.Abs(area) / 2;
    }
}
