using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// Privacy never leaks, on real photos of the devset: every face of a crowd is covered past the
/// per-face budget, a head at any roll is covered, a face a frame loses stays covered, a paused
/// privacy filter covers the frame, and files and face rules fail closed.
/// </summary>
public sealed class PrivacyCoverageTests(ITestOutputHelper output)
{
    private static readonly Devset Photos = Devset.Find();

    [Theory]
    [InlineData("d18_mask_collage_32.jpg", DetectorNames.UltraFace, 32)]
    [InlineData("d18_mask_collage_32.jpg", DetectorNames.BlazeFaceBack, 32)]
    [InlineData("d02_group_stairs_26.jpg", DetectorNames.UltraFace, 26)]
    [InlineData("d11_class_photo_77.jpg", DetectorNames.UltraFace, 76)]
    public void Every_face_of_a_crowd_is_covered_beyond_the_per_face_budget(string file, string detector, int atLeast)
    {
        using Mat bgr = TestAssets.Load(Photos.File("detect/" + file));
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        byte[] before = buffers.Snapshot();
        using var pipeline = FacePipeline.Create(TestAssets.Json(detector), NullLoggerFactory.Instance);
        pipeline.Process(buffers.AsFrame());

        StatsCounters stats = pipeline.Stats.Read([]);
        BoxF[] covered = [.. pipeline.LastFaces.ToArray().Select(f => f.Box)];
        output.WriteLine($"{file} {detector}: found {stats.FacesLastFrame}, covered {stats.FacesCovered}, over budget {stats.FacesOverBudget}");
        Assert.True(stats.FacesLastFrame > AnalysisResult.MaxFaces, "the photo must have more faces than the per-face budget");
        Assert.Equal(stats.FacesLastFrame, stats.FacesCovered);
        Assert.Equal(stats.FacesCovered, covered.Length);
        Assert.InRange(stats.FacesCovered, atLeast, atLeast + 4);

        // Each covered face really changed: the faces past the budget are pixelated like the others.
        byte[] after = buffers.Snapshot();
        foreach (BoxF b in covered)
        {
            Assert.True(ChangedShare(before, after, buffers.Width, b) > 0.3, $"the face at {b} was not pixelated");
        }
    }

    [Fact]
    public void Faces_about_20_px_tall_in_a_1080p_frame_are_found_on_tiles()
    {
        // The class photo's 77 faces are 18-22 px tall; in a 1920x1080 frame the upright search sees
        // them at a sixth of that, where no detector finds a face.
        using Mat photo = TestAssets.Load(Photos.File("detect/d11_class_photo_77.jpg"));
        using var frame = new Mat(new Size(1920, 1080), MatType.CV_8UC3, new Scalar(60, 60, 60));
        photo.CopyTo(frame[new Rect((1920 - photo.Width) / 2, (1080 - photo.Height) / 2, photo.Width, photo.Height)]);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(frame);
        using IFaceDetector upright = Devset.Detector(DetectorNames.Default, TestAssets.ModelsDir);
        var alone = new List<Face>();
        upright.Detect(buffers.AsFrame(), 0.6f, alone);

        using var pipeline = FacePipeline.Create(TestAssets.Json(), NullLoggerFactory.Instance);
        pipeline.Process(buffers.AsFrame());
        StatsCounters stats = pipeline.Stats.Read([]);
        output.WriteLine($"upright search alone: {alone.Count} faces; privacy covers {stats.FacesCovered}");
        Assert.True(alone.Count < 10, $"the upright search alone found {alone.Count}: the frame does not need tiles");
        Assert.InRange(stats.FacesCovered, 70, 80);
    }

    /// <summary>Portraits that the detectors alone lose at some rolls (docs/QUALITY.md), at webcam size.</summary>
    public static TheoryData<string, string> TurnedPortraits() => new()
    {
        { "p01_frontal_neutral.jpg", DetectorNames.BlazeFaceBack },
        { "p05_child_chin_on_arms.jpg", DetectorNames.UltraFace },
        { "p05_child_chin_on_arms.jpg", DetectorNames.BlazeFaceBack },
        { "p11_glasses_frontal.jpg", DetectorNames.UltraFace },
        { "p12_profile.jpg", DetectorNames.UltraFace },
        { "p18_hand_on_chin_glasses.jpg", DetectorNames.BlazeFaceBack },
    };

    [Theory]
    [MemberData(nameof(TurnedPortraits))]
    public void A_head_at_any_roll_is_covered(string file, string detector)
    {
        using Mat original = TestAssets.Load(Photos.File("portraits/" + file));
        using Mat bgr = Devset.Fit(original, 960);
        using IFaceDetector truthDetector = Devset.Detector(DetectorNames.UltraFace, TestAssets.ModelsDir);
        BoxF truth = Devset.MainFace(bgr, truthDetector) ?? throw new InvalidOperationException($"{file}: no face to measure against");
        using var pipeline = FacePipeline.Create(TestAssets.Json(detector), NullLoggerFactory.Instance);
        var missed = new List<int>();
        for (int degrees = 0; degrees < 360; degrees += 15)
        {
            (Mat turned, Mat map) = Devset.Turn(bgr, degrees);
            using (turned)
            using (map)
            {
                using var buffers = new FrameBuffers(PixelFormat.Bgra);
                buffers.Load(turned);
                pipeline.Process(buffers.AsFrame()); // every picture at time 0: each is a new one, searched in every view
                PointF centre = Devset.Apply(map, CoverCentre(truth));
                BoxF[] boxes = [.. pipeline.LastFaces.ToArray().Select(f => f.Box)];
                if (!Coverage.Covered(centre, Math.Min(truth.Width, truth.Height), boxes, pipeline.Settings.PrivacyPadding))
                {
                    missed.Add(degrees);
                }
            }
        }

        Assert.True(missed.Count == 0, $"{file} with {detector}: the face was shown at {string.Join(", ", missed)} degrees");
    }

    [Fact]
    public void A_face_the_detector_loses_for_a_few_frames_stays_covered()
    {
        // A webcam-sized pan over a real portrait; frames 8 to 10 blur the face so much that no
        // detector finds it (motion blur, a hand): the face must stay covered through them.
        using Mat original = TestAssets.Load(Photos.File("portraits/p07_child_frontal.jpg"));
        using Mat portrait = Devset.Fit(original, 360);
        using IFaceDetector truthDetector = Devset.Detector(DetectorNames.UltraFace, TestAssets.ModelsDir);
        BoxF truth = Devset.MainFace(portrait, truthDetector) ?? throw new InvalidOperationException("no face");
        using var pipeline = FacePipeline.Create(TestAssets.Json(), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        int lostByDetector = 0;
        for (int i = 0; i < 16; i++)
        {
            int x = 40 + (i * 10);
            using var frame = new Mat(new Size(960, 540), MatType.CV_8UC3, new Scalar(90, 110, 120));
            portrait.CopyTo(frame[new Rect(x, 60, portrait.Width, portrait.Height)]);
            var face = new Rect((int)truth.Left + x, (int)truth.Top + 60, (int)truth.Width, (int)truth.Height);
            if (i is >= 8 and <= 10)
            {
                using Mat region = frame[face];
                Cv2.GaussianBlur(region, region, new Size(0, 0), truth.Width / 5);
            }

            buffers.Load(frame);
            pipeline.Process(buffers.AsFrame(i * 33_333_333L));
            if (i is >= 8 and <= 10)
            {
                lostByDetector += DetectorFinds(frame, face) ? 0 : 1;
            }

            var centre = new PointF(face.X + (face.Width / 2f), face.Y + (face.Height / 2f));
            BoxF[] boxes = [.. pipeline.LastFaces.ToArray().Select(f => f.Box)];
            Assert.True(Coverage.Covered(centre, Math.Min(face.Width, face.Height), boxes, pipeline.Settings.PrivacyPadding), $"frame {i} showed the face");
        }

        Assert.True(lostByDetector > 0, "the blur must make the detector lose the face, or the test proves nothing");
    }

    [Theory]
    [InlineData("left", 0.5f)]
    [InlineData("right", 0.5f)]
    [InlineData("bottom", 0.4f)]
    [InlineData("left", 0.3f)]
    [InlineData("right", 0.65f)]
    [InlineData("top", 0.5f)]
    public void A_face_the_frame_edge_cuts_is_covered(string edge, float cut)
    {
        using Mat original = TestAssets.Load(Photos.File("portraits/p19_smile_frontal.png"));
        using Mat portrait = Devset.Fit(original, 420);
        using IFaceDetector truthDetector = Devset.Detector(DetectorNames.UltraFace, TestAssets.ModelsDir);
        BoxF face = Devset.MainFace(portrait, truthDetector) ?? throw new InvalidOperationException("no face");
        const int W = 1280, H = 720;
        float fx = edge switch { "left" => -face.Left - (face.Width * cut), "right" => W - face.Right + (face.Width * cut), _ => (W - portrait.Width) / 2f };
        float fy = edge switch { "bottom" => H - face.Bottom + (face.Height * cut), "top" => -face.Top - (face.Height * cut), _ => (H - portrait.Height) / 2f };
        using var frame = new Mat(new Size(W, H), MatType.CV_8UC3, new Scalar(70, 90, 110));
        using (Mat map = Mat.Eye(2, 3, MatType.CV_64FC1))
        {
            map.Set(0, 2, (double)fx);
            map.Set(1, 2, (double)fy);
            Cv2.WarpAffine(portrait, frame, map, frame.Size(), InterpolationFlags.Linear, BorderTypes.Transparent);
        }

        using var pipeline = FacePipeline.Create(TestAssets.Json(), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(frame);
        pipeline.Process(buffers.AsFrame());
        var centre = new PointF(fx + ((face.Left + face.Right) / 2), fy + ((face.Top + face.Bottom) / 2));
        BoxF[] boxes = [.. pipeline.LastFaces.ToArray().Select(f => f.Box)];
        output.WriteLine($"{edge} {cut:P0}: boxes {string.Join(", ", boxes)}");
        Assert.True(Coverage.Covered(centre, Math.Min(face.Width, face.Height), boxes, pipeline.Settings.PrivacyPadding, W, H), $"the face cut {cut:P0} by the {edge} edge was shown");
    }

    [Theory]
    [InlineData("pan", "p10_glasses_smile.jpg")]
    [InlineData("zoom", "p10_glasses_smile.jpg")]
    [InlineData("rotation", "p10_glasses_smile.jpg")]
    [InlineData("occluder", "p10_glasses_smile.jpg")]
    [InlineData("occluder", "p07_child_frontal.jpg")]
    [InlineData("occluder", "p01_frontal_neutral.jpg")]
    [InlineData("cut", "p10_glasses_smile.jpg")]
    public void No_frame_of_a_test_video_shows_a_face_uncovered(string video, string portrait)
    {
        using Mat first = TestAssets.Load(Photos.File("portraits/" + portrait)), second = TestAssets.Load(Photos.File("portraits/p01_frontal_neutral.jpg"));
        using Mat a = Devset.Fit(first, 360), b = Devset.Fit(second, 360);
        using IFaceDetector truthDetector = Devset.Detector(DetectorNames.UltraFace, TestAssets.ModelsDir);
        BoxF fa = Devset.MainFace(a, truthDetector)!.Value, fb = Devset.MainFace(b, truthDetector)!.Value;
        foreach (string detector in DetectorNames.All)
        {
            using var pipeline = FacePipeline.Create(TestAssets.Json(detector), NullLoggerFactory.Instance);
            using var buffers = new FrameBuffers(PixelFormat.Bgra);
            var shown = new List<int>();
            int i = 0;
            foreach (VideoFrame frame in TestVideos.Make(video, a, fa, b, fb))
            {
                using (frame)
                {
                    buffers.Load(frame.Image);
                    pipeline.Process(buffers.AsFrame((i * 33_333_333L) + 1));
                    BoxF[] boxes = [.. pipeline.LastFaces.ToArray().Select(f => f.Box)];
                    if (!frame.Covered(boxes, pipeline.Settings.PrivacyPadding))
                    {
                        shown.Add(i);
                    }

                    i++;
                }
            }

            Assert.True(shown.Count == 0, $"{video} with {detector}: a face was shown in frames {string.Join(", ", shown)} of {i}");
        }
    }

    [Fact]
    public void Paused_privacy_covers_the_whole_frame_and_other_engines_do_not()
    {
        using Mat bgr = TestAssets.Load(TestAssets.Astronaut);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        byte[] pristine = buffers.Snapshot();
        var corner = new BoxF(380, 20, 500, 120); // the flag's and the wall's corner: no face
        using var pipeline = FacePipeline.Create(TestAssets.Json(), NullLoggerFactory.Instance);
        pipeline.Process(buffers.AsFrame());
        Assert.Equal(0, ChangedShare(pristine, buffers.Snapshot(), buffers.Width, corner));

        pipeline.Paused = true;
        buffers.Restore(pristine);
        pipeline.Process(buffers.AsFrame(33_333_333));
        Assert.Equal(FailClosedGuard.CoverPaused, pipeline.Stats.Read([]).Notice);
        Assert.True(ChangedShare(pristine, buffers.Snapshot(), buffers.Width, corner) > 0.3, "a paused privacy filter must cover the whole frame");

        pipeline.Update("{\"engine\":\"landmarks\"}");
        buffers.Restore(pristine);
        pipeline.Process(buffers.AsFrame(66_666_666));
        Assert.NotEqual(FailClosedGuard.CoverPaused, pipeline.Stats.Read([]).Notice);
        Assert.Equal(0, ChangedShare(pristine, buffers.Snapshot(), buffers.Width, corner));

        pipeline.Update("{\"engine\":\"privacy\"}");
        pipeline.Paused = false;
        buffers.Restore(pristine);
        pipeline.Process(buffers.AsFrame(99_999_999));
        Assert.Equal(0, ChangedShare(pristine, buffers.Snapshot(), buffers.Width, corner));
    }

    [Fact]
    public void A_file_frame_whose_analysis_fails_is_covered_whole_and_the_run_says_so()
    {
        string models = FailClosedTests.DetectorModels(FailClosedTests.SlowUltraFace(chain: 1, boxRows: 10), "aisp-broken-");
        string dir = Directory.CreateTempSubdirectory("aisp-failclosed-").FullName;
        try
        {
            string output = Path.Combine(dir, "out.png"), stats = Path.Combine(dir, "stats.json");
            (int code, _, string stderr) = CliTests.Run("--input", TestAssets.Astronaut, "--output", output, "--stats", stats,
                "--settings", $$"""{"models_dir":"{{models}}","detector":"ultraface"}""");
            Assert.Equal(Aisp.Core.ExitCodes.Processing, code);
            Assert.Contains("covered whole", stderr, StringComparison.Ordinal);
            Assert.Contains("\"frames_covered_on_failure\": 1", File.ReadAllText(stats), StringComparison.Ordinal);
            using Mat before = TestAssets.Load(TestAssets.Astronaut);
            using Mat after = TestAssets.Load(output);
            using var diff = new Mat();
            Cv2.Absdiff(before, after, diff);
            using Mat gray = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
            double changed = (double)Cv2.CountNonZero(gray.Threshold(0, 255, ThresholdTypes.Binary)) / (gray.Width * gray.Height);
            Assert.True(changed > 0.8, $"only {changed:P0} of the failed frame was covered");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            Directory.Delete(models, recursive: true);
        }
    }

    [Theory]
    [InlineData("only_listed")]
    [InlineData("except_listed")]
    public void A_face_library_that_cannot_be_read_keeps_every_face_covered(string rule)
    {
        string dir = Directory.CreateTempSubdirectory("aisp-badlib-").FullName;
        try
        {
            string library = Path.Combine(dir, "faces.db");
            Directory.CreateDirectory(library); // a folder where the library should be: it cannot be read
            string settings = TestAssets.Json(extra: $$"""
                "face_library":"{{library}}","privacy_rule":"{{rule}}","privacy_identities":["Astronaut"]
                """);
            using Mat bgr = TestAssets.Load(TestAssets.Astronaut);
            using var buffers = new FrameBuffers(PixelFormat.Bgra);
            buffers.Load(bgr);
            using (var pipeline = FacePipeline.Create(settings, NullLoggerFactory.Instance))
            {
                pipeline.Process(buffers.AsFrame());
                Face face = Assert.Single(pipeline.LastFaces.ToArray());
                Assert.True(face.Box.IoU(TestAssets.AstronautFace) > 0.4, $"the covered box {face.Box} is not the face");
            }

            string output = Path.Combine(dir, "out.png");
            (int code, _, string stderr) = CliTests.Run("--input", TestAssets.Astronaut, "--output", output, "--settings", settings);
            Assert.Equal(Aisp.Core.ExitCodes.Library, code);
            Assert.Contains("every face was covered", stderr, StringComparison.Ordinal);
            Assert.True(File.Exists(output));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The point the coverage check centres on: the middle of the face box, a little above it (boxes reach down to the chin).</summary>
    private static PointF CoverCentre(in BoxF truth) => new((truth.Left + truth.Right) / 2, (truth.Top + truth.Bottom) / 2);

    private static bool DetectorFinds(Mat frame, Rect face)
    {
        using IFaceDetector detector = Devset.Detector(DetectorNames.Default, TestAssets.ModelsDir);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(frame);
        var found = new List<Face>();
        detector.Detect(buffers.AsFrame(), 0.6f, found);
        var box = new BoxF(face.Left, face.Top, face.Right, face.Bottom);
        return found.Any(f => f.Box.IoU(box) > 0.3);
    }

    /// <summary>Share of the colour bytes inside the box that differ (BGRA buffers of the given width).</summary>
    private static double ChangedShare(byte[] before, byte[] after, int width, BoxF box)
    {
        int height = before.Length / (width * 4);
        int x0 = Math.Clamp((int)box.Left, 0, width), x1 = Math.Clamp((int)box.Right, 0, width);
        int y0 = Math.Clamp((int)box.Top, 0, height), y1 = Math.Clamp((int)box.Bottom, 0, height);
        int changed = 0, total = 0;
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int i = (((y * width) + x) * 4) + c;
                    total++;
                    changed += before[i] != after[i] ? 1 : 0;
                }
            }
        }

        return total == 0 ? 0 : (double)changed / total;
    }
}
