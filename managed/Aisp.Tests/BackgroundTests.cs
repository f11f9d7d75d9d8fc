using System.Globalization;
using Aisp.Cli;
using Aisp.Core;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// The background (setting "background"): MediaPipe's selfie segmentation as converted by
/// models/tflite2onnx.py gives what OpenCV DNN gives running the original; on the astronaut photo
/// the person (face, suit) is left exactly as it was while the background (the rocket behind her)
/// is blurred, replaced by another real photo, or made transparent; YUV frames get the same
/// picture as BGRA ones; replace without a picture says so and leaves the frame alone.
/// </summary>
public sealed class BackgroundTests(ITestOutputHelper output)
{
    // Measured by hand on astronaut.png: her face and the suit's chest (person), the model rocket right of her (background).
    private static readonly Rect Face = new(195, 90, 60, 70), Chest = new(120, 330, 120, 100), Rocket = new(370, 20, 80, 200);

    [Theory]
    [InlineData("selfie_segmentation", 256, 256, "activation_10")]
    [InlineData("selfie_segmentation_landscape", 256, 144, "segment_back")]
    public void The_converted_model_gives_what_opencv_gives_running_the_original_tflite(string model, int width, int height, string outputName)
    {
        string tflite = Path.Combine(Path.GetDirectoryName(TestAssets.GroupPhoto("sample1"))!, model + ".tflite");
        foreach (string photo in (string[])[TestAssets.Astronaut, TestAssets.GroupPhoto("sample3")])
        {
            using Mat bgr = TestAssets.Load(photo);
            using Mat resized = bgr.Resize(new Size(width, height));
            using Mat rgb = resized.CvtColor(ColorConversionCodes.BGR2RGB);
            using var scaled = new Mat();
            rgb.ConvertTo(scaled, MatType.CV_32FC3, 1 / 255.0);

            using Net net = CvDnn.ReadNet(tflite);
            using Mat blob = CvDnn.BlobFromImage(scaled, swapRB: false);
            net.SetInput(blob);
            using Mat result = net.Forward();
            using Mat flat = result.Reshape(1, 1);
            flat.GetArray(out float[] expected);

            scaled.GetArray(out Vec3f[] pixels);
            var input = new DenseTensor<float>(pixels.SelectMany(p => new[] { p.Item0, p.Item1, p.Item2 }).ToArray(), [1, height, width, 3]);
            using var session = new InferenceSession(Path.Combine(TestAssets.ModelsDir, model + ".onnx"));
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input_1", input)]);
            float[] got = results.Single(r => r.Name == outputName).AsEnumerable<float>().ToArray();

            Assert.Equal(expected.Length, got.Length);
            double maxDiff = expected.Zip(got, (a, b) => Math.Abs(a - b)).Max();
            double person = got.Count(p => p > 0.5) / (double)got.Length;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model} on {Path.GetFileName(photo)}: max |onnx - opencv| = {maxDiff:E2}; person share {person:P0}"));
            Assert.True(maxDiff < 1e-3, $"max difference {maxDiff}");
            Assert.InRange(person, 0.15, 0.9); // people fill these pictures partly: not an all-or-nothing mask
        }
    }

    [Theory]
    [InlineData("landscape", "bgra")]
    [InlineData("general", "bgra")]
    [InlineData("general", "i420")]
    public void Blur_leaves_the_person_and_blurs_what_is_behind(string model, string format)
    {
        (Mat before, Mat after, _) = Run($"\"background\":\"blur\",\"background_model\":\"{model}\"", FrameBuffers.ParseFormat(format));
        using (before)
        using (after)
        {
            double face = MeanDiff(before, after, Face), chest = MeanDiff(before, after, Chest), rocket = MeanDiff(before, after, Rocket);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model}/{format}: mean change face {face:F2}, chest {chest:F2}, rocket {rocket:F1} levels; rocket sharpness {Sharpness(before, Rocket):F1} -> {Sharpness(after, Rocket):F1}"));
            Assert.True(face < 1.0 && chest < 1.5, $"the person changed: face {face}, chest {chest}");
            Assert.True(rocket > 8, $"the background barely changed: {rocket}");
            Assert.True(Sharpness(after, Rocket) < Sharpness(before, Rocket) / 3, "the background is not blurred");
        }
    }

    [Theory]
    [InlineData(1280, 720, "landscape")]   // 16:9
    [InlineData(1920, 1200, "landscape")]  // 16:10
    [InlineData(1500, 1000, "landscape")]  // 3:2: raised arms the general model lost
    [InlineData(1024, 768, "general")]     // 4:3
    [InlineData(960, 1200, "general")]     // 4:5: feet the landscape model lost
    [InlineData(1080, 1080, "general")]
    [InlineData(1080, 1920, "general")]    // a phone held upright
    public void Auto_picks_the_model_by_the_frames_shape(int width, int height, string expected) =>
        Assert.Equal(expected, BackgroundModels.ForFrame(BackgroundModels.Auto, width, height));

    /// <summary>
    /// The default mask model is "auto": on real photos of people (../shared/data/devset/person) in
    /// 16:9, 3:2, 4:5 and 2:3 frames, each frame gets exactly the picture the model its shape suits
    /// gives, and a fixed model is kept whatever the shape.
    /// </summary>
    [Fact]
    public void Auto_gives_each_real_photo_the_model_its_shape_suits()
    {
        Assert.Equal(BackgroundModels.Auto, new PipelineSettings().BackgroundModel);
        Devset devset = Devset.Find();
        foreach (string name in new[] { "s01_16x9_blonde_hair.jpg", "s05_portrait_crouching_hands.jpg", "s06_portrait_curly_hair.jpg", "s08_afro_hair_hands.jpg" })
        {
            using Mat full = TestAssets.Load(devset.File(Path.Combine("person", name)));
            using Mat photo = Devset.Fit(full, 640);
            string suited = BackgroundModels.ForFrame(BackgroundModels.Auto, photo.Width, photo.Height);
            byte[] auto = Blurred(photo, BackgroundModels.Auto), fixedSuited = Blurred(photo, suited);
            byte[] other = Blurred(photo, suited == BackgroundModels.General ? BackgroundModels.Landscape : BackgroundModels.General);
            output.WriteLine($"{name} {photo.Width}x{photo.Height}: auto took {suited}");
            Assert.Equal(fixedSuited, auto);
            Assert.NotEqual(other, auto);
        }
    }

    /// <summary>
    /// Blur keeps the frame's border as bright as it is: the normalised blur counts only the weights
    /// inside the frame (a white surround stays white to the last pixel, at the strongest blur).
    /// </summary>
    [Fact]
    public void Blur_does_not_darken_the_frames_border()
    {
        Devset devset = Devset.Find();
        using Mat person = Devset.Fit(TestAssets.Load(devset.File(Path.Combine("person", "s06_portrait_curly_hair.jpg"))), 480);
        using var canvas = new Mat(person.Height + 160, person.Width + 400, MatType.CV_8UC3, Scalar.All(255));
        person.CopyTo(canvas[new Rect(200, 160, person.Width, person.Height)]);
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"none\",\"background\":\"blur\",\"background_blur\":100"), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(canvas);
        pipeline.Process(buffers.AsFrame());
        using var after = new Mat(canvas.Size(), MatType.CV_8UC3);
        buffers.Store(after);
        if (Environment.GetEnvironmentVariable("AISP_TEST_DUMP") is { Length: > 0 } dump)
        {
            Cv2.ImWrite(Path.Combine(dump, "blur-border.png"), after);
        }

        double top = Cv2.Mean(after[new Rect(0, 0, after.Width, 3)]).Val0, left = Cv2.Mean(after[new Rect(0, 0, 3, after.Height)]).Val0;
        double right = Cv2.Mean(after[new Rect(after.Width - 3, 0, 3, after.Height)]).Val0, corner = Cv2.Mean(after[new Rect(0, 0, 40, 40)]).Val0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"border after blur: top {top:F1}, left {left:F1}, right {right:F1}, corner {corner:F1} (white 255)"));
        Assert.True(Math.Min(Math.Min(top, left), Math.Min(right, corner)) > 250, "the blur darkened the frame's border");
    }

    private static byte[] Blurred(Mat photo, string model)
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: $"\"engine\":\"none\",\"background\":\"blur\",\"background_model\":\"{model}\""), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(photo);
        pipeline.Process(buffers.AsFrame());
        return buffers.Snapshot();
    }

    [Theory]
    [InlineData("i420")]
    [InlineData("nv12")]
    public void A_yuv_frame_gets_the_picture_a_bgra_frame_gets(string format)
    {
        (Mat plain, Mat bgra, _) = Run("\"background\":\"blur\",\"background_model\":\"general\"", PixelFormat.Bgra);
        (Mat yuvPlain, Mat yuv, _) = Run("\"background\":\"blur\",\"background_model\":\"general\"", FrameBuffers.ParseFormat(format));
        using (plain)
        using (bgra)
        using (yuvPlain)
        using (yuv)
        {
            // Each against its own unfiltered picture (YUV loses a little colour on the way): the change must be the same.
            using Mat a = new(), b = new();
            Cv2.Absdiff(plain, bgra, a);
            Cv2.Absdiff(yuvPlain, yuv, b);
            double rocket = MeanDiff(a, b, Rocket), whole = MeanDiff(a, b, new Rect(0, 0, 512, 512));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{format} against bgra: change differs by {rocket:F2} levels on the rocket, {whole:F2} over the frame"));
            Assert.True(rocket < 3 && whole < 2, $"{format} and bgra differ: {rocket:F2} / {whole:F2}");
        }
    }

    [Fact]
    public void Replace_puts_the_picture_behind_the_person()
    {
        using Mat ice = TestAssets.Load(TestAssets.IceBlock);
        (Mat before, Mat after, _) = Run("\"background\":\"replace\",\"background_model\":\"general\"", PixelFormat.Bgra, ice);
        using (before)
        using (after)
        {
            // The picture covers the 512x512 output: scaled to its height, centred.
            double scale = 512.0 / ice.Height;
            using Mat cover = ice.Resize(new Size((int)Math.Round(ice.Width * scale), 512));
            using Mat expected = cover[new Rect((cover.Width - 512) / 2, 0, 512, 512)];
            double rocket = MeanDiff(expected, after, Rocket), face = MeanDiff(before, after, Face);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replace: rocket area {rocket:F1} levels from the picture, face {face:F2} from the original"));
            Assert.True(rocket < 6, $"the background is not the picture: {rocket}");
            Assert.True(face < 1.0, $"the face changed: {face}");
        }
    }

    [Fact]
    public void Transparent_clears_the_alpha_behind_the_person_only()
    {
        (Mat before, Mat after, byte[] bgra) = Run("\"background\":\"transparent\",\"background_model\":\"general\"", PixelFormat.Bgra);
        using (before)
        using (after)
        {
            double faceAlpha = MeanAlpha(bgra, 512, Face), rocketAlpha = MeanAlpha(bgra, 512, Rocket);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"transparent: alpha face {faceAlpha:F1}, rocket {rocketAlpha:F1}; colour change {MeanDiff(before, after, new Rect(0, 0, 512, 512)):F2}"));
            Assert.Equal(255, faceAlpha, 0.5);
            Assert.True(rocketAlpha < 20, $"rocket alpha {rocketAlpha}");
            Assert.Equal(0, MeanDiff(before, after, new Rect(0, 0, 512, 512))); // colour untouched: only alpha says what is gone
        }
    }

    [Fact]
    public void Replace_without_a_picture_says_so_and_leaves_the_frame()
    {
        (Mat before, Mat after, _) = Run("\"background\":\"replace\"", PixelFormat.Bgra, picture: null, out string notice);
        using (before)
        using (after)
        {
            Assert.Contains("no picture", notice, StringComparison.Ordinal);
            Assert.Equal(0, MeanDiff(before, after, new Rect(0, 0, 512, 512)));
        }
    }

    /// <summary>A still person filmed by a noisy camera: the mask, averaged over frames, flickers less at the edges than each frame's own mask.</summary>
    [Fact]
    public void The_mask_is_steadier_over_time_than_frame_by_frame()
    {
        using Mat photo = TestAssets.Load(TestAssets.Astronaut);
        var settings = new Aisp.Core.Settings.PipelineSettings { ModelsDir = TestAssets.ModelsDir };
        using var segmenter = Aisp.Core.Background.PersonSegmenter.Load(settings.ModelsDir, "selfie-general", "cpu", 1, NullLogger.Instance);
        var running = new Aisp.Core.Background.PersonMask();
        float[]? lastRunning = null, lastAlone = null;
        double flickerRunning = 0, flickerAlone = 0;
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        for (int i = 0; i < 12; i++)
        {
            using Mat noise = new(photo.Size(), MatType.CV_16SC3);
            Cv2.Randn(noise, Scalar.All(0), Scalar.All(6)); // a webcam's sensor noise
            using Mat frame = new();
            photo.ConvertTo(frame, MatType.CV_16SC3);
            Cv2.Add(frame, noise, frame);
            frame.ConvertTo(frame, MatType.CV_8UC3);
            buffers.Load(frame);
            Frame view = buffers.AsFrame();
            running.Update(view, segmenter.Run(view, out Letterbox box), box);
            var alone = new Aisp.Core.Background.PersonMask();
            alone.Update(view, segmenter.Run(view, out box), box);
            float[] r = running.Mask.ToArray(), a = alone.Mask.ToArray();
            if (lastRunning is not null && i >= 4)
            {
                flickerRunning += r.Zip(lastRunning, (x, y) => Math.Abs(x - y)).Sum();
                flickerAlone += a.Zip(lastAlone!, (x, y) => Math.Abs(x - y)).Sum();
            }

            (lastRunning, lastAlone) = (r, a);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mask change per frame (sum over the grid): averaged over time {flickerRunning / 7:F1}, frame by frame {flickerAlone / 7:F1}"));
        Assert.True(flickerAlone > 0, "the noise did not change the mask at all: nothing to smooth");
        Assert.True(flickerRunning < flickerAlone * 0.7, $"smoothing over time did not steady the mask: {flickerRunning:F1} against {flickerAlone:F1}");
    }

    [Fact]
    public void An_unknown_background_mode_is_an_invalid_setting()
    {
        var e = Assert.Throws<AispException>(() => FacePipeline.Create(TestAssets.Json(extra: "\"background\":\"sparkles\""), NullLoggerFactory.Instance));
        Assert.Equal(ErrorKind.InvalidSettings, e.Kind);
        Assert.Contains("background", e.Message, StringComparison.Ordinal);
    }

    private static (Mat Before, Mat After, byte[] Bgra) Run(string extra, PixelFormat format, Mat? picture = null) => Run(extra, format, picture, out _);

    private static (Mat Before, Mat After, byte[] Bgra) Run(string extra, PixelFormat format, Mat? picture, out string notice)
    {
        Mat before = TestAssets.Load(TestAssets.Astronaut);
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"none\"," + extra), NullLoggerFactory.Instance);
        if (picture is not null)
        {
            using var pictureBuffers = new FrameBuffers(PixelFormat.Bgra);
            pictureBuffers.Load(picture);
            pipeline.SetBackgroundImage(pictureBuffers.AsFrame(), "ice");
        }

        using var buffers = new FrameBuffers(format);
        buffers.Load(before);
        pipeline.Process(buffers.AsFrame());
        notice = pipeline.Stats.Read([]).Notice;
        var after = new Mat(before.Size(), MatType.CV_8UC3);
        buffers.Store(after);
        if (format != PixelFormat.Bgra)
        {
            // Compare like with like: the original through the same YUV round trip.
            using var plain = new FrameBuffers(format);
            plain.Load(before);
            plain.Store(before);
        }

        return (before, after, buffers.Snapshot());
    }

    private static double MeanDiff(Mat a, Mat b, Rect r)
    {
        using Mat ra = a[r], rb = b[r];
        using var diff = new Mat();
        Cv2.Absdiff(ra, rb, diff);
        Scalar m = Cv2.Mean(diff);
        return (m.Val0 + m.Val1 + m.Val2) / 3;
    }

    /// <summary>Mean absolute Laplacian of the region's grey levels: how much fine detail it has.</summary>
    internal static double Sharpness(Mat bgr, Rect r)
    {
        using Mat region = bgr[r];
        using Mat grey = region.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var lap = new Mat();
        Cv2.Laplacian(grey, lap, MatType.CV_32F);
        using Mat abs = Cv2.Abs(lap);
        return Cv2.Mean(abs).Val0;
    }

    private static double MeanAlpha(byte[] bgra, int width, Rect r)
    {
        double sum = 0;
        for (int y = r.Top; y < r.Bottom; y++)
        {
            for (int x = r.Left; x < r.Right; x++)
            {
                sum += bgra[(((y * width) + x) * 4) + 3];
            }
        }

        return sum / (r.Width * r.Height);
    }
}
