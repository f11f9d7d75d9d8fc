using System.Diagnostics;
using System.Globalization;
using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Effects;
using Aisp.Core.Frames;
using Aisp.Core.Landmarks;
using Aisp.Core.Pipeline;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// The AR engine on real faces: every shipped pack draws its picture where its anchors say, a user
/// pack that is broken is a status and draws nothing, retouch changes nothing outside the face's
/// outline and leaves the eyes as they are, overlays stay on a moving face, and the full pose
/// foreshortens a picture on a turned face where "roll" does not.
/// </summary>
public sealed class ArTests(ITestOutputHelper output)
{
    private static string EffectsDir => Path.Combine(Path.GetDirectoryName(TestAssets.ModelsDir)!, "effects");

    public static TheoryData<string> Packs => new() { "glasses", "cat-ears", "mask", "face-paint" };

    [Theory]
    [MemberData(nameof(Packs))]
    public void Every_shipped_pack_draws_its_picture_where_its_anchors_are(string pack)
    {
        (Mat before, Mat after, Face face, string notice) = Run(TestAssets.GraceHopper, $"\"effect_pack\":\"{pack}\",\"retouch\":0");
        using (before)
        using (after)
        {
            Assert.Equal("", notice);
            (double cx, double cy, double count) = ChangedCentre(before, after);
            ReadOnlySpan<Point3> mesh = face.Mesh;
            float unit = FaceMesh.InterOcular(mesh);
            Point3 expected = pack switch
            {
                "glasses" => Mean(mesh, 33, 263, 168),
                "cat-ears" => mesh[10],
                "mask" => Mean(mesh, 1, 152, 61, 291),
                _ => Mean(mesh, 50, 280, 168),
            };
            double dx = (cx - expected.X) / unit, dy = (cy - expected.Y) / unit;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pack}: {count} pixels changed, centre {dx:F2}, {dy:F2} eye distances from its anchors"));
            Assert.True(count > 2000, $"{pack} drew only {count} pixels");
            Assert.True(Math.Abs(dx) < 0.15, $"{pack} is off sideways by {dx:F2} eye distances");
            double above = pack == "cat-ears" ? -0.6 : 0; // ears sit above the forehead point; the others on their anchors
            Assert.True(Math.Abs(dy - above) < 0.45, $"{pack} is off vertically: {dy:F2} eye distances");
            using Mat below = before[new Rect(0, 470, 512, 42)], belowAfter = after[new Rect(0, 470, 512, 42)];
            Assert.Equal(0, Cv2.Norm(below, belowAfter, NormTypes.INF)); // far from the face nothing changes
        }
    }

    [Fact]
    public void The_png_reader_reads_the_shipped_pictures_as_opencv_does()
    {
        foreach (string png in Directory.GetFiles(EffectsDir, "*.png", SearchOption.AllDirectories))
        {
            float[] rgba = PngReader.Read(File.ReadAllBytes(png), out int w, out int h);
            using Mat bgra = Cv2.ImRead(png, ImreadModes.Unchanged);
            Assert.Equal((bgra.Width, bgra.Height, 4), (w, h, bgra.Channels()));
            bgra.GetArray(out Vec4b[] px);
            double worst = 0;
            for (int i = 0; i < px.Length; i++)
            {
                float a = px[i].Item3 / 255f;
                worst = Math.Max(worst, Math.Abs(rgba[(i * 4) + 3] - a) * 255);
                worst = Math.Max(worst, Math.Abs(rgba[i * 4] - (px[i].Item2 * a)));
                worst = Math.Max(worst, Math.Abs(rgba[(i * 4) + 2] - (px[i].Item0 * a)));
            }

            output.WriteLine($"{Path.GetFileName(png)} {w}x{h}: worst difference {worst:F4} levels");
            Assert.True(worst < 0.01, $"{png}: {worst}");
        }
    }

    public static TheoryData<string, string, string> BrokenPacks => new()
    {
        { "bad JSON", """{"layers": [ {"picture": "a.png", """, "not valid JSON" },
        { "missing picture", """{"layers": [{"picture": "gone.png", "anchors": ["nose_tip"]}]}""", "missing" },
        { "unknown anchor", """{"layers": [{"picture": "a.png", "anchors": ["third_eye"]}]}""", "third_eye" },
        { "no layers", """{"name": "empty"}""", "layers" },
        { "width out of range", """{"layers": [{"picture": "a.png", "anchors": ["nose_tip"], "width": 99}]}""", "width" },
        { "not a PNG", """{"layers": [{"picture": "pack.json", "anchors": ["nose_tip"]}]}""", "not a PNG" },
        { "picture outside the folder", """{"layers": [{"picture": "../a.png", "anchors": ["nose_tip"]}]}""", "inside the pack" },
    };

    [Theory]
    [MemberData(nameof(BrokenPacks))]
    public void A_broken_pack_is_a_status_and_draws_nothing(string what, string json, string says)
    {
        string dir = Directory.CreateTempSubdirectory("aisp-pack-").FullName;
        try
        {
            File.Copy(Path.Combine(EffectsDir, "glasses", "glasses.png"), Path.Combine(dir, "a.png"));
            File.WriteAllText(Path.Combine(dir, "pack.json"), json);
            (Mat before, Mat after, _, string notice) = Run(TestAssets.GraceHopper, $"\"effect_pack\":\"custom\",\"effect_pack_path\":\"{dir}\",\"retouch\":0");
            using (before)
            using (after)
            {
                output.WriteLine($"{what}: {notice}");
                Assert.Contains("effect pack", notice, StringComparison.Ordinal);
                Assert.Contains(says, notice, StringComparison.Ordinal);
                Assert.Equal(0, Cv2.Norm(before, after, NormTypes.INF));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("pack.json is a FIFO")]
    [InlineData("the picture is a link to /dev/zero")]
    public void A_pack_whose_files_are_not_regular_files_is_a_status_and_never_hangs(string what)
    {
        string dir = Directory.CreateTempSubdirectory("aisp-pack-").FullName;
        try
        {
            if (what.StartsWith("pack.json", StringComparison.Ordinal))
            {
                using Process mk = Process.Start("mkfifo", Path.Combine(dir, "pack.json"));
                mk.WaitForExit();
            }
            else
            {
                File.CreateSymbolicLink(Path.Combine(dir, "a.png"), "/dev/zero");
                File.WriteAllText(Path.Combine(dir, "pack.json"), """{"layers": [{"picture": "a.png", "anchors": ["nose_tip"]}]}""");
            }

            // Before the check, reading the FIFO blocked for ever (and /dev/zero read 4 GB): a hang fails the test instead of the run.
            Task<(Mat, Mat, Face, string)> run = Task.Run(() => Run(TestAssets.GraceHopper, $"\"effect_pack\":\"custom\",\"effect_pack_path\":\"{dir}\",\"retouch\":0"));
            Assert.True(run.Wait(TimeSpan.FromMinutes(2)), $"{what}: the pack hung the pipeline");
            (Mat before, Mat after, _, string notice) = run.Result;
            using (before)
            using (after)
            {
                output.WriteLine($"{what}: {notice}");
                Assert.Contains("not a regular file", notice, StringComparison.Ordinal);
                Assert.Equal(0, Cv2.Norm(before, after, NormTypes.INF));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Retouch_smooths_the_skin_inside_the_outline_only_and_leaves_the_eyes()
    {
        (Mat before, Mat after, Face face, _) = Run(TestAssets.GraceHopper, "\"effect_pack\":\"none\",\"retouch\":100");
        using (before)
        using (after)
        {
            PointF[] oval = Outline(face, MeshTopology.Oval);
            PointF[] rightEye = Outline(face, MeshTopology.RightEye), leftEye = Outline(face, MeshTopology.LeftEye);
            int outside = 0, inside = 0;
            double eyes = 0;
            int eyePixels = 0;
            before.GetArray(out Vec3b[] a);
            after.GetArray(out Vec3b[] b);
            for (int y = 0; y < before.Height; y++)
            {
                for (int x = 0; x < before.Width; x++)
                {
                    Vec3b p = a[(y * before.Width) + x], q = b[(y * before.Width) + x];
                    int d = Math.Max(Math.Abs(p.Item0 - q.Item0), Math.Max(Math.Abs(p.Item1 - q.Item1), Math.Abs(p.Item2 - q.Item2)));
                    bool inOval = Polygon.Contains(oval, x + 0.5f, y + 0.5f);
                    outside += !inOval && d > 1 ? 1 : 0;
                    inside += inOval && d > 1 ? 1 : 0;
                    if (Polygon.Contains(rightEye, x + 0.5f, y + 0.5f) || Polygon.Contains(leftEye, x + 0.5f, y + 0.5f))
                    {
                        eyes += d;
                        eyePixels++;
                    }
                }
            }

            Rect cheek = CheekBox(face);
            double sharpBefore = BackgroundTests.Sharpness(before, cheek), sharpAfter = BackgroundTests.Sharpness(after, cheek);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retouch: {inside} pixels changed inside the outline, {outside} outside; eyes changed {eyes / eyePixels:F2} levels; cheek detail {sharpBefore:F1} -> {sharpAfter:F1}"));
            Assert.Equal(0, outside);
            Assert.True(inside > 3000, $"only {inside} pixels smoothed");
            Assert.True(eyes / eyePixels < 1.0, $"the eyes changed by {eyes / eyePixels:F2} levels");
            Assert.True(sharpAfter < sharpBefore * 0.75, "the cheek was not smoothed");
        }
    }

    [Fact]
    public void Glasses_stay_on_a_moving_face()
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: $"\"engine\":\"ar\",\"analysis\":\"async\",\"quality\":\"quality\",\"retouch\":0,\"effects_dir\":\"{EffectsDir}\""), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        const int Step = 6; // pixels per frame at 30 fps: 180 px/s
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

            (double cx, _, double count) = ChangedCentre(scene, after);
            Assert.True(count > 300, $"frame {i}: no glasses drawn");
            offsets.Add(cx - (x + ((TestAssets.AstronautFace.Left + TestAssets.AstronautFace.Right) / 2 * 300 / 512)));
        }

        double mean = offsets.Average(), spread = Math.Sqrt(offsets.Average(o => (o - mean) * (o - mean)));
        double faceWidth = TestAssets.AstronautFace.Width * 300 / 512;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"glasses centre minus face centre: mean {mean:F1} px, spread {spread:F1} px, worst {offsets.Max(Math.Abs):F1} px (face {faceWidth:F0} px wide, moving {Step} px a frame)"));
        Assert.True(Math.Abs(mean) < 0.1 * faceWidth, $"the glasses trail the face by {mean:F1} px");
        Assert.True(spread < 0.05 * faceWidth, $"the glasses wobble about the face by {spread:F1} px");
    }

    [Fact]
    public void Full_pose_foreshortens_a_picture_on_a_turned_face_and_roll_does_not()
    {
        (Face Face, string Photo) turned = MeshSwapTests.MostTurned();
        InGlassesPack(dir =>
        {
            double Width(string pose)
            {
                File.WriteAllText(Path.Combine(dir, "pack.json"), $$"""{"layers": [{"picture": "glasses.png", "anchors": ["right_eye_outer", "left_eye_outer"], "width": 1.5, "pose": "{{pose}}"}]}""");
                (Mat before, Mat after, Face face, _) = Run(turned.Photo, $"\"effect_pack\":\"custom\",\"effect_pack_path\":\"{dir}\",\"retouch\":0", focus: turned.Face);
                using (before)
                using (after)
                {
                    using Mat diff = new();
                    Cv2.Absdiff(before, after, diff);
                    using Mat grey = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
                    using Mat changed = grey.Threshold(12, 255, ThresholdTypes.Binary);
                    Rect r = Cv2.BoundingRect(changed);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pose}: yaw {face.Yaw:F0} degrees, glasses {r.Width} px wide"));
                    return r.Width;
                }
            }

            double full = Width("full"), roll = Width("roll");
            Assert.True(full < roll * 0.9, $"full pose {full} px against roll {roll} px: not foreshortened");
        });
    }

    /// <summary>
    /// Only real faces are decorated or swapped (issue 28): on the devset's pictures without a
    /// human face, the finds of the default detector that the mesh does not see as faces (animals,
    /// a clock: presence under <see cref="Aisp.Core.Engines.PaintedFaces.PaintPresence"/>) get no
    /// glasses and no swap, while privacy still covers every one of them.
    /// </summary>
    [Fact]
    public void Only_faces_the_mesh_sees_are_decorated_or_swapped_while_privacy_covers_every_find()
    {
        Devset devset = Devset.Find();
        int falseFinds = 0;
        foreach (string file in Directory.GetFiles(devset.File("noface")).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal)).Order())
        {
            using Mat full = TestAssets.Load(file);
            using Mat photo = Devset.Fit(full, 1280);
            (byte[] plain, byte[] covered, Face[] finds) = Filtered(photo, "\"engine\":\"landmarks\",\"landmarks\":\"mesh\"");
            if (finds.Length == 0 || finds.Any(f => Aisp.Core.Engines.PaintedFaces.Paintable(f)))
            {
                continue; // nothing found, or something face-like enough to paint (a drawn face)
            }

            falseFinds += finds.Length;
            (_, byte[] privacy, _) = Filtered(photo, "\"engine\":\"privacy\"");
            (_, byte[] ar, _) = Filtered(photo, $"\"engine\":\"ar\",\"effects_dir\":\"{EffectsDir}\"");
            using FacePipeline swap = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"morph\""), TestAssets.GraceHopper);
            using var buffers = new FrameBuffers(PixelFormat.Bgra);
            buffers.Load(photo);
            swap.Process(buffers.AsFrame());
            string presences = string.Join(", ", finds.Select(f => f.Presence.ToString("F3", CultureInfo.InvariantCulture)));
            output.WriteLine($"{Path.GetFileName(file)}: {finds.Length} false finds (presence {presences}); privacy changed {Changed(plain, privacy)} bytes, AR {Changed(plain, ar)}, swap {Changed(plain, buffers.Snapshot())}");
            Assert.True(Changed(plain, privacy) > 0, $"{file}: privacy did not cover the find");
            Assert.Equal(0, Changed(plain, ar));
            Assert.Equal(0, Changed(plain, buffers.Snapshot()));
        }

        Assert.True(falseFinds >= 3, $"only {falseFinds} false finds in the devset's pictures without faces: the test checks too little");
    }

    /// <summary>
    /// The mask pack covers the nose (issue 28: it sat under it): on every devset portrait whose
    /// face the mesh sees at under 30 degrees of yaw, the mask is drawn over the nose tip, the
    /// mouth and the chin, and not over the eyes.
    /// </summary>
    [Fact]
    public void The_mask_covers_nose_mouth_and_chin_and_leaves_the_eyes_on_every_frontal_portrait()
    {
        Devset devset = Devset.Find();
        int checkedFaces = 0;
        foreach (string file in Directory.GetFiles(devset.File("portraits")).Where(f => !f.EndsWith(".tsv", StringComparison.Ordinal)).Order())
        {
            using Mat full = TestAssets.Load(file);
            using Mat photo = Devset.Fit(full, 800);
            string path = Path.Combine(Path.GetTempPath(), $"aisp-mask-{Environment.ProcessId}.png");
            Cv2.ImWrite(path, photo);
            (Mat before, Mat after, Face face, _) = Run(path, "\"effect_pack\":\"mask\",\"retouch\":0");
            File.Delete(path);
            using (before)
            using (after)
            {
                if (!face.HasMesh || MathF.Abs(face.Yaw) > 30 || face.Box.Width < 60)
                {
                    continue;
                }

                bool Covered(int vertex) => ChangedAt(before, after, face.Mesh[vertex].X, face.Mesh[vertex].Y);
                output.WriteLine($"{Path.GetFileName(file)}: yaw {face.Yaw:F0}, nose tip {Covered(1)}, mouth {Covered(13)}, chin {Covered(152)}, eyes {Covered(159)}/{Covered(386)}");
                Assert.True(Covered(1) && Covered(13) && Covered(152), $"{file}: the mask leaves the nose tip, the mouth or the chin bare");
                Assert.False(Covered(159) || Covered(386), $"{file}: the mask covers an eye");
                checkedFaces++;
            }
        }

        Assert.True(checkedFaces >= 10, $"only {checkedFaces} frontal portraits checked");
    }

    /// <summary>
    /// On a head turned 54 degrees, glasses with "clip": "far_side" show nothing beyond the face's
    /// outline on the side it turns away from (the far lens floated beside the head), while the same
    /// layer unclipped does (so the measurement can fail).
    /// </summary>
    [Fact]
    public void On_a_turned_head_glasses_do_not_float_beyond_the_far_cheek()
    {
        (Face Face, string Photo) turned = MeshSwapTests.MostTurned();
        InGlassesPack(dir =>
        {
            int Beyond(string clip)
            {
                File.WriteAllText(Path.Combine(dir, "pack.json"), $$"""{"layers": [{"picture": "glasses.png", "anchors": ["right_eye_outer", "left_eye_outer", "nose_bridge"], "width": 1.55, "pivot": [0.5, 0.42], "clip": "{{clip}}"}]}""");
                (Mat before, Mat after, Face face, _) = Run(turned.Photo, $"\"effect_pack\":\"custom\",\"effect_pack_path\":\"{dir}\",\"retouch\":0", focus: turned.Face);
                using (before)
                using (after)
                {
                    // Far side: from the nose tip towards the eye nearer to it in the picture; beyond: outside the outline grown by a tenth.
                    Point3 nose = face.Mesh[1], r = face.Mesh[33], l = face.Mesh[263];
                    bool rightFar = Math.Sqrt(Sq(r.X - nose.X) + Sq(r.Y - nose.Y)) < Math.Sqrt(Sq(l.X - nose.X) + Sq(l.Y - nose.Y));
                    (float fx, float fy) = rightFar ? (r.X - nose.X, r.Y - nose.Y) : (l.X - nose.X, l.Y - nose.Y);
                    PointF[] oval = Grown(face, MeshTopology.Oval, 1.1f);
                    int beyond = 0;
                    using Mat diff = new();
                    Cv2.Absdiff(before, after, diff);
                    var box = new Rect((int)(face.Box.Left - face.Box.Width), (int)(face.Box.Top - face.Box.Height), (int)(face.Box.Width * 3), (int)(face.Box.Height * 3)) & new Rect(0, 0, before.Width, before.Height);
                    for (int y = box.Top; y < box.Bottom; y++)
                    {
                        for (int x = box.Left; x < box.Right; x++)
                        {
                            Vec3b d = diff.At<Vec3b>(y, x);
                            if (d.Item0 + d.Item1 + d.Item2 > 36 && ((x + 0.5f - nose.X) * fx) + ((y + 0.5f - nose.Y) * fy) > 0 && !Aisp.Core.Swap.Polygon.Contains(oval, x + 0.5f, y + 0.5f))
                            {
                                beyond++;
                            }
                        }
                    }

                    output.WriteLine($"clip {clip}: yaw {face.Yaw:F0}, {beyond} changed pixels beyond the far cheek");
                    return beyond;
                }
            }

            int clipped = Beyond("far_side"), unclipped = Beyond("none");
            Assert.True(unclipped > 50, $"the unclipped glasses reach only {unclipped} pixels past the far cheek: the check measures nothing");
            Assert.True(clipped <= unclipped / 20, $"{clipped} pixels of the clipped glasses float beyond the far cheek (unclipped {unclipped})");
        });
    }

    /// <summary>Runs <paramref name="body"/> with a scratch pack folder holding the glasses picture (the test writes its own pack.json there).</summary>
    private static void InGlassesPack(Action<string> body)
    {
        string dir = Directory.CreateTempSubdirectory("aisp-pack-").FullName;
        try
        {
            File.Copy(Path.Combine(EffectsDir, "glasses", "glasses.png"), Path.Combine(dir, "glasses.png"));
            body(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool ChangedAt(Mat before, Mat after, float x, float y)
    {
        int px = Math.Clamp((int)x, 0, before.Width - 1), py = Math.Clamp((int)y, 0, before.Height - 1);
        Vec3b a = before.At<Vec3b>(py, px), b = after.At<Vec3b>(py, px);
        return Math.Abs(a.Item0 - b.Item0) + Math.Abs(a.Item1 - b.Item1) + Math.Abs(a.Item2 - b.Item2) > 24;
    }

    private static PointF[] Grown(in Face face, int[] outline, float grow)
    {
        var points = new PointF[outline.Length];
        float mx = 0, my = 0;
        for (int k = 0; k < outline.Length; k++)
        {
            points[k] = new PointF(face.Mesh[outline[k]].X, face.Mesh[outline[k]].Y);
            (mx, my) = (mx + points[k].X, my + points[k].Y);
        }

        (mx, my) = (mx / outline.Length, my / outline.Length);
        return points.Select(p => new PointF(mx + ((p.X - mx) * grow), my + ((p.Y - my) * grow))).ToArray();
    }

    private static double Sq(double v) => v * v;

    private static (byte[] Plain, byte[] After, Face[] Faces) Filtered(Mat photo, string extra)
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: extra), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(photo);
        byte[] plain = buffers.Snapshot();
        pipeline.Process(buffers.AsFrame());
        return (plain, buffers.Snapshot(), pipeline.LastFaces.ToArray());
    }

    private static int Changed(byte[] a, byte[] b) => a.Zip(b).Count(p => p.First != p.Second);

    private static (Mat Before, Mat After, Face Face, string Notice) Run(string photo, string extra, Face? focus = null)
    {
        Mat before = TestAssets.Load(photo);
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: $"\"engine\":\"ar\",\"stabilize\":false,\"effects_dir\":\"{EffectsDir}\"," + extra), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(before);
        pipeline.Process(buffers.AsFrame());
        Face[] found = pipeline.LastFaces.ToArray().Where(f => f.HasMesh).ToArray();
        Face face = focus is { } near
            ? found.MinBy(f => Math.Abs(f.Box.Left - near.Box.Left) + Math.Abs(f.Box.Top - near.Box.Top))
            : found.MaxBy(f => f.Box.Area);
        var after = new Mat(before.Size(), MatType.CV_8UC3);
        buffers.Store(after);
        if (focus is not null)
        {
            // Only that face's pixels count: the others get glasses too.
            using var keep = new Mat(before.Size(), MatType.CV_8UC1, Scalar.All(0));
            var box = new Rect((int)(face.Box.Left - face.Box.Width), (int)(face.Box.Top - face.Box.Height), (int)(face.Box.Width * 3), (int)(face.Box.Height * 3));
            keep[box & new Rect(0, 0, before.Width, before.Height)].SetTo(Scalar.All(255));
            before.CopyTo(after, ~keep);
        }

        return (before, after, face, pipeline.Stats.Read([]).Notice);
    }

    private static (double X, double Y, double Count) ChangedCentre(Mat before, Mat after)
    {
        using Mat diff = new();
        Cv2.Absdiff(before, after, diff);
        using Mat grey = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
        using Mat changed = grey.Threshold(12, 255, ThresholdTypes.Binary);
        Moments m = Cv2.Moments(changed, binaryImage: true);
        return m.M00 > 0 ? (m.M10 / m.M00, m.M01 / m.M00, m.M00) : (0, 0, 0);
    }

    private static Point3 Mean(ReadOnlySpan<Point3> mesh, params int[] vertices)
    {
        float x = 0, y = 0, z = 0;
        foreach (int v in vertices)
        {
            (x, y, z) = (x + mesh[v].X, y + mesh[v].Y, z + mesh[v].Z);
        }

        return new Point3(x / vertices.Length, y / vertices.Length, z / vertices.Length);
    }

    private static PointF[] Outline(in Face face, int[] vertices)
    {
        var points = new PointF[vertices.Length];
        for (int k = 0; k < vertices.Length; k++)
        {
            points[k] = new PointF(face.Mesh[vertices[k]].X, face.Mesh[vertices[k]].Y);
        }

        return points;
    }

    /// <summary>A box on the right cheek (the image's left), between the eye, the nose and the mouth corner.</summary>
    private static Rect CheekBox(in Face face)
    {
        Point3 c = face.Mesh[50];
        int side = (int)(FaceMesh.InterOcular(face.Mesh) * 0.35f);
        return new Rect((int)c.X - (side / 2), (int)c.Y - (side / 2), side, side);
    }
}
