using Aisp.Cli;
using Aisp.Core;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;
using CvPoint2f = OpenCvSharp.Point2f;

namespace Aisp.Tests;

/// <summary>
/// The inswapper data path with stand-in models of the real signatures: every value is checked
/// against one computed independently here (OpenCV for alignment and warping, plain loops for the
/// projection), never against the engine's own helpers.
/// </summary>
public sealed class InswapperTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _swapper = StandInModels.Write("inswapper_128.onnx", StandInModels.Swapper());
    private readonly string _recognizer = StandInModels.Write("w600k_r50.onnx", StandInModels.Recognizer());

    private string Json(string preset = SwapPresets.Roop, string? swapper = null) =>
        TestAssets.Json(extra: $"\"engine\":\"inswapper\",\"swap_model\":\"{swapper ?? _swapper}\",\"recognizer_model\":\"{_recognizer}\",\"swap_preset\":\"{preset}\"");

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // raw_data: how real exported models store initializers
    public void The_emap_is_read_from_the_last_initializer_exactly(bool raw)
    {
        byte[] model = StandInModels.Swapper(rawEmap: raw);
        OnnxInitializers.Tensor emap = OnnxInitializers.ReadLast(model);
        Assert.Equal("emap", emap.Name);
        Assert.Equal([512L, 512L], emap.Dims);
        Assert.Equal(StandInModels.EmapValue(0, 0), emap.Data[0]);
        Assert.Equal(StandInModels.EmapValue(3, 7), emap.Data[(3 * 512) + 7]);
        Assert.Equal(StandInModels.EmapValue(511, 511), emap.Data[^1]);
        for (int i = 0; i < emap.Data.Length; i += 997)
        {
            Assert.Equal(StandInModels.EmapValue(i / 512, i % 512), emap.Data[i]);
        }

        // And the engine loads it end to end from a file.
        string path = StandInModels.Write("inswapper_128.onnx", model);
        try
        {
            using var pipeline = FacePipeline.Create(Json(swapper: path), NullLoggerFactory.Instance);
            Assert.Equal("inswapper", pipeline.Stats.Read([]).Engine);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Alignment_matches_OpenCV_and_puts_the_five_points_on_the_template()
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(Json());
        Face face = pipeline.Source!.Face;
        Span<PointF> five = stackalloc PointF[5];
        face.FivePoints(five);
        foreach (int size in new[] { 112, 128 })
        {
            Affine2D ours = ArcFaceTemplate.Align(face, size);
            double[,] cv = OpenCvSimilarity(five.ToArray(), size);
            output.WriteLine($"{size}: ours [{ours.A:F4} {ours.B:F4} {ours.C:F2}; {ours.D:F4} {ours.E:F4} {ours.F:F2}] opencv [{cv[0, 0]:F4} {cv[0, 1]:F4} {cv[0, 2]:F2}; {cv[1, 0]:F4} {cv[1, 1]:F4} {cv[1, 2]:F2}]");
            Assert.Equal(cv[0, 0], ours.A, 0.01);
            Assert.Equal(cv[0, 1], ours.B, 0.01);
            Assert.Equal(cv[1, 0], ours.D, 0.01);
            Assert.Equal(cv[1, 1], ours.E, 0.01);
            Assert.Equal(cv[0, 2], ours.C, 1.5);
            Assert.Equal(cv[1, 2], ours.F, 1.5);
        }

        // A pure similarity: rotation and uniform scale, no shear or reflection.
        Affine2D m = ArcFaceTemplate.Align(face, 128);
        Assert.Equal(m.A, m.E, 1e-4);
        Assert.Equal(m.B, -m.D, 1e-4);
    }

    [Fact]
    public void The_source_embedding_and_latent_match_an_independent_computation()
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(Json());
        using Mat target = TestAssets.Load(TestAssets.GraceHopper);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(target);
        pipeline.Process(buffers.AsFrame()); // embeds the source on first use

        var engine = (InswapperEngine)EngineOf(pipeline);
        float[] embedding = engine.Embedding.ToArray();
        float[] latent = engine.Latent.ToArray();

        // Independent: OpenCV aligns the source photo to the 112 template, ArcFace normalisation, channel means, times W.
        Span<PointF> five = stackalloc PointF[5];
        pipeline.Source!.Face.FivePoints(five);
        using Mat photo = TestAssets.Load(TestAssets.Astronaut);
        using Mat rgb = photo.CvtColor(ColorConversionCodes.BGR2RGB);
        using var m = new Mat(2, 3, MatType.CV_64FC1);
        double[] flat = Flatten(OpenCvSimilarity(five.ToArray(), 112));
        for (int k = 0; k < 6; k++)
        {
            m.Set(k / 3, k % 3, flat[k]);
        }

        using var aligned = new Mat();
        Cv2.WarpAffine(rgb, aligned, m, new Size(112, 112), InterpolationFlags.Linear, BorderTypes.Replicate);
        Scalar means = Cv2.Mean(aligned);
        var expected = new double[512];
        for (int j = 0; j < 512; j++)
        {
            for (int c = 0; c < 3; c++)
            {
                expected[j] += (means[c] - 127.5) / 127.5 * StandInModels.RecognizerWeight(c, j);
            }
        }

        for (int j = 0; j < 512; j += 37)
        {
            Assert.Equal(expected[j], embedding[j], 0.03);
        }

        // Latent from the engine's own embedding: normalise, times emap, normalise (plain double loops).
        double norm = Math.Sqrt(embedding.Sum(v => (double)v * v));
        var projected = new double[512];
        for (int i = 0; i < 512; i++)
        {
            for (int j = 0; j < 512; j++)
            {
                projected[j] += embedding[i] / norm * StandInModels.EmapValue(i, j);
            }
        }

        double pn = Math.Sqrt(projected.Sum(v => v * v));
        for (int j = 0; j < 512; j++)
        {
            Assert.Equal(projected[j] / pn, latent[j], 1e-4);
        }
    }

    [Fact]
    public void Paste_back_puts_the_swapped_crop_on_the_face_and_nothing_outside_the_crop()
    {
        (byte[] before, byte[] after, Face face, int width, int height) = SwapGraceHopper(SwapPresets.Roop);

        // The stand-in returns 1 - target: where the mask is full, the frame must be inverted.
        Affine2D toCrop = ArcFaceTemplate.Align(face, 128);
        double error = 0;
        int count = 0, outsideChanged = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                (float cx, float cy) = toCrop.Apply(x + 0.5f, y + 0.5f);
                int i = ((y * width) + x) * 4;
                bool inCrop = cx >= -1 && cx <= 129 && cy >= -1 && cy <= 129;
                if (cx > 24 && cx < 104 && cy > 24 && cy < 104)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        error += Math.Abs(after[i + c] - (255 - before[i + c]));
                        count++;
                    }
                }
                else if (!inCrop && (before[i] != after[i] || before[i + 1] != after[i + 1] || before[i + 2] != after[i + 2]))
                {
                    outsideChanged++;
                }
            }
        }

        output.WriteLine($"mean error against the inverted frame {error / count:F2} over {count} bytes; changed outside the crop {outsideChanged}");
        Assert.True(error / count < 12, $"mean error {error / count:F1}");
        Assert.Equal(0, outsideChanged);
    }

    [Theory]
    [InlineData(SwapPresets.Roop)]
    [InlineData(SwapPresets.FaceFusion)]
    [InlineData(SwapPresets.DeepLiveCam)]
    public void Every_preset_swaps_and_the_deep_live_cam_mouth_mask_keeps_the_target_mouth(string preset)
    {
        (byte[] before, byte[] after, Face face, int width, _) = SwapGraceHopper(preset);
        double Change(PointF p)
        {
            int i = (((int)p.Y * width) + (int)p.X) * 4;
            return (Math.Abs(after[i] - before[i]) + Math.Abs(after[i + 1] - before[i + 1]) + Math.Abs(after[i + 2] - before[i + 2])) / 3.0;
        }

        PointF mouthCentre = FaceLandmarks.Mean(face.Landmarks, 60, 68);
        PointF cheek = new((face.Landmarks[2].X + face.Landmarks[30].X) / 2, (face.Landmarks[2].Y + face.Landmarks[30].Y) / 2);
        output.WriteLine($"{preset}: cheek change {Change(cheek):F0}, mouth change {Change(mouthCentre):F0}");
        Assert.True(Change(cheek) > 30, "the face was not swapped");
        if (preset == SwapPresets.DeepLiveCam)
        {
            Assert.True(Change(mouthCentre) < 10, "the mouth mask must keep the target's mouth");
        }
        else
        {
            Assert.True(Change(mouthCentre) > 30, "without a mouth mask the mouth is swapped too");
        }
    }

    [Fact]
    public void Missing_wrong_shaped_and_corrupt_models_are_clear_model_errors()
    {
        AispException missing = Assert.Throws<AispException>(() => FacePipeline.Create(Json(swapper: "/nonexistent/inswapper_128.onnx"), NullLoggerFactory.Instance));
        Assert.Equal(ErrorKind.Model, missing.Kind);
        Assert.Contains("/nonexistent/inswapper_128.onnx", missing.Message, StringComparison.Ordinal);

        string wrongShape = StandInModels.Write("small.onnx", StandInModels.Swapper(size: 64));
        AispException shape = Assert.Throws<AispException>(() => FacePipeline.Create(Json(swapper: wrongShape), NullLoggerFactory.Instance));
        Assert.Contains("shape", shape.Message, StringComparison.Ordinal);

        string noEmap = StandInModels.Write("noemap.onnx", StandInModels.Swapper(withEmap: false));
        AispException emap = Assert.Throws<AispException>(() => FacePipeline.Create(Json(swapper: noEmap), NullLoggerFactory.Instance));
        Assert.Contains("emap", emap.Message, StringComparison.Ordinal);

        byte[] bytes = StandInModels.Swapper();
        string corrupt = StandInModels.Write("corrupt.onnx", bytes[..(bytes.Length / 3)]);
        AispException bad = Assert.Throws<AispException>(() => FacePipeline.Create(Json(swapper: corrupt), NullLoggerFactory.Instance));
        Assert.Equal(ErrorKind.Model, bad.Kind);

        AispException none = Assert.Throws<AispException>(() => FacePipeline.Create(TestAssets.Json(extra: "\"engine\":\"inswapper\""), NullLoggerFactory.Instance));
        Assert.Contains("swap_model", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_async_mode_the_swap_model_runs_on_the_analysis_thread_and_the_frame_thread_only_pastes()
    {
        using FacePipeline sync = SwapFixtures.WithSource(Json());
        using FacePipeline async = SwapFixtures.WithSource(Json().TrimEnd('}') + ",\"analysis\":\"async\"}");
        using Mat target = TestAssets.Load(TestAssets.GraceHopper);
        using var expected = new FrameBuffers(PixelFormat.Bgra);
        expected.Load(target);
        sync.Process(expected.AsFrame(33_333_333));

        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        byte[] before = [];
        bool swapped = false;
        for (int i = 1; i <= 60 && !swapped; i++)
        {
            buffers.Load(target);
            before = buffers.Snapshot();
            async.Process(buffers.AsFrame(i * 33_333_333L));
            swapped = !before.AsSpan().SequenceEqual(buffers.Snapshot());
            Assert.True(async.WaitForAnalysis(TimeSpan.FromSeconds(30)), $"frame {i} was never analysed"); // the next frame gets this one's swap
        }

        Assert.True(swapped, "no frame was swapped in async mode");
        var engine = (InswapperEngine)EngineOf(async);
        Assert.NotEqual(0, engine.LastSwapThread);
        Assert.NotEqual(Environment.CurrentManagedThreadId, engine.LastSwapThread);

        // Pasted from the analysis thread's crop, the frame matches the one swapped inline.
        byte[] got = buffers.Snapshot(), want = expected.Snapshot();
        long diff = 0;
        for (int i = 0; i < got.Length; i++)
        {
            diff += Math.Abs(got[i] - want[i]);
        }

        output.WriteLine($"async vs sync swap: mean difference {(double)diff / got.Length:F3} per byte");
        Assert.True((double)diff / got.Length < 0.5, "the async swap differs from the inline one");
    }

    /// <summary>Swaps the astronaut onto Grace Hopper (BGRA) with the stand-ins; the frame's bytes before and after, and the face.</summary>
    private (byte[] Before, byte[] After, Face Face, int Width, int Height) SwapGraceHopper(string preset)
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(Json(preset));
        using Mat target = TestAssets.Load(TestAssets.GraceHopper);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(target);
        byte[] before = buffers.Snapshot();
        pipeline.Process(buffers.AsFrame());
        return (before, buffers.Snapshot(), Assert.Single(pipeline.LastFaces.ToArray()), buffers.Width, buffers.Height);
    }

    public void Dispose()
    {
        Directory.Delete(Path.GetDirectoryName(_swapper)!, recursive: true);
        Directory.Delete(Path.GetDirectoryName(_recognizer)!, recursive: true);
    }

    /// <summary>The engine drawing the pipeline's frames (its engine slot's current one), read by reflection: the core exposes no engine object.</summary>
    internal static IFrameEngine EngineOf(FacePipeline pipeline)
    {
        const System.Reflection.BindingFlags Hidden = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        object slot = typeof(FacePipeline).GetField("_engines", Hidden)!.GetValue(pipeline)!;
        return (IFrameEngine)slot.GetType().GetProperty("Current")!.GetValue(slot)!;
    }

    /// <summary>OpenCV's own similarity estimate (LMEDS, deterministic) from the five points to the template.</summary>
    private static double[,] OpenCvSimilarity(PointF[] five, int size)
    {
        Span<PointF> template = stackalloc PointF[5];
        ArcFaceTemplate.For(size, template);
        using var from = InputArray.Create(five.Select(p => new CvPoint2f(p.X, p.Y)).ToArray());
        using var to = InputArray.Create(template.ToArray().Select(p => new CvPoint2f(p.X, p.Y)).ToArray());
        using Mat m = Cv2.EstimateAffinePartial2D(from, to, null, RobustEstimationAlgorithms.LMEDS)!;
        var r = new double[2, 3];
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                r[i, j] = m.At<double>(i, j);
            }
        }

        return r;
    }

    private static double[] Flatten(double[,] m) => [m[0, 0], m[0, 1], m[0, 2], m[1, 0], m[1, 1], m[1, 2]];
}
