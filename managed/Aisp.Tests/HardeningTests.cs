using System.Diagnostics;
using Aisp.Cli;
using Aisp.Core;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.IO;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>What a fuzzer, a noisy webcam and a careless user found: each case ends, with the documented error.</summary>
public sealed class HardeningTests
{
    public static TheoryData<string> Detectors() => new(DetectorNames.All);

    [Theory]
    [MemberData(nameof(Detectors))]
    public async Task Noise_frames_at_the_lowest_confidence_always_finish_with_at_most_the_result_cap(string detector)
    {
        // Webcam static at confidence 0.05 made blazeface-back hand NMS zero-area boxes, which it never retired.
        using var pipeline = FacePipeline.Create(TestAssets.Json(detector, "\"confidence\":0.05,\"engine\":\"landmarks\""), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        var rng = new Random(1234);
        using var noise = new Mat(360, 640, MatType.CV_8UC3);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() =>
        {
            for (int i = 0; i < 60 && !stop.IsCancellationRequested; i++)
            {
                Cv2.Randu(noise, new Scalar(rng.Next(0, 60)), new Scalar(rng.Next(120, 256)));
                buffers.Load(noise);
                pipeline.Process(buffers.AsFrame(i * 33_333_333L));
                Assert.InRange(pipeline.LastFaces.Length, 0, AnalysisResult.MaxFaces);
            }
        });
        // A hang detector, not a timing test: on a timeout the frames stop and the loop is awaited
        // before the pipeline and its buffers are disposed (disposing them under a running frame
        // would crash the test host in native code, taking every other test with it).
        bool finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(3))) == run;
        await stop.CancelAsync();
        await run;
        Assert.True(finished, $"{detector}: 60 noise frames did not finish in three minutes");
        Assert.Equal(60ul, pipeline.Stats.Read([]).FramesProcessed);
    }

    [Fact]
    public void Weighted_NMS_drops_empty_inverted_and_non_finite_boxes_and_ends()
    {
        var candidates = new List<Face>
        {
            new() { Box = new BoxF(10, 10, 10, 10), Score = 0.99f },             // zero area: overlaps nothing, not even itself
            new() { Box = new BoxF(50, 50, 40, 40), Score = 0.98f },             // inverted
            new() { Box = new BoxF(float.NaN, 0, 5, 5), Score = 0.97f },
            new() { Box = new BoxF(0, 0, 5, 5), Score = float.NaN },
            new() { Box = new BoxF(100, 100, 140, 150), Score = 0.9f },
            new() { Box = new BoxF(102, 101, 141, 152), Score = 0.8f },          // merges into the one above
            new() { Box = new BoxF(300, 100, 340, 150), Score = 0.7f },
        };
        var output = new List<Face>();
        WeightedNms.Run(candidates, 0.3f, output);
        Assert.Equal(2, output.Count);
        Assert.InRange(output[0].Box.Left, 100, 102);
        Assert.Equal(300, output[1].Box.Left);
        Assert.Empty(candidates);
    }

    [Theory]
    [InlineData("\"std\": 128.0", "\"std\": 0", "'normalisation.std' of 'ultraface' is 0")]
    [InlineData("\"file\": \"ultraface_rfb_320.onnx\"", "\"file\": null", "'file' is missing or not a JSON string")]
    [InlineData("\"sha256\": \"6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854\"", "\"sha256\": null", "'sha256' is missing or not a JSON string")]
    [InlineData("\"layout\": \"NCHW\",\n        \"channels\": \"RGB\"\n      },\n      \"normalisation\": {\n        \"mean\": 127.0", "\"layout\": \"NHWC\",\n        \"channels\": \"RGB\"\n      },\n      \"normalisation\": {\n        \"mean\": 127.0", "feeds NCHW")]
    [InlineData("\"width\": 320", "\"width\": -320", "'input.width' of 'ultraface' is -320")]
    public void A_manifest_with_a_bad_field_is_a_model_error_naming_it(string good, string bad, string expected)
    {
        string dir = TestAssets.CopyModels();
        try
        {
            string manifest = Path.Combine(dir, "manifest.json");
            string text = File.ReadAllText(manifest);
            Assert.Contains(good, text, StringComparison.Ordinal);
            File.WriteAllText(manifest, text.Replace(good, bad, StringComparison.Ordinal));
            var e = Assert.Throws<AispException>(() => FacePipeline.Create($$"""{"models_dir":"{{dir}}","detector":"ultraface"}""", NullLoggerFactory.Instance));
            Assert.Equal(ErrorKind.Model, e.Kind);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_model_path_that_is_a_fifo_a_device_or_a_directory_is_refused_at_once()
    {
        string dir = Directory.CreateTempSubdirectory("aisp-special-").FullName;
        try
        {
            string fifo = Path.Combine(dir, "model.onnx");
            using (Process mk = Process.Start("mkfifo", fifo))
            {
                mk.WaitForExit();
            }

            var watch = Stopwatch.StartNew();
            foreach ((string path, string expected) in new[] { (fifo, "not a regular file"), ("/dev/zero", "not a regular file"), (dir, "is a directory") })
            {
                var e = Assert.Throws<AispException>(() => UserFile.ReadAll(path, "model", 1 << 20, ErrorKind.Model));
                Assert.Equal(ErrorKind.Model, e.Kind);
                Assert.Contains(expected, e.Message, StringComparison.Ordinal);
                string json = TestAssets.Json(extra: $"\"engine\":\"inswapper\",\"swap_model\":\"{path}\",\"recognizer_model\":\"{path}\"");
                var load = Assert.Throws<AispException>(() => FacePipeline.Create(json, NullLoggerFactory.Instance));
                Assert.Equal(ErrorKind.Model, load.Kind);
                Assert.Contains(expected, load.Message, StringComparison.Ordinal);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "refusing special files must not wait on them");
            string big = Path.Combine(dir, "big.bin");
            File.WriteAllBytes(big, new byte[2048]);
            var tooBig = Assert.Throws<AispException>(() => UserFile.ReadAll(big, "picture", 1024, ErrorKind.SourceImage));
            Assert.Contains("over the limit of 1024", tooBig.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("{\"engine\":\"\\ud800\"}", "not valid Unicode")]
    [InlineData("{\"\\udc00\":1}", "not valid Unicode")]
    [InlineData("\v", "not valid JSON")]
    [InlineData("\f\f", "not valid JSON")]
    [InlineData("{\"threads\":17}", "'threads' is 17; it must be an integer from 1 to 16")]
    public void Settings_the_fuzzer_found_are_settings_errors(string json, string expected)
    {
        var e = Assert.Throws<AispException>(() => SettingsParser.Parse(json, new PipelineSettings()));
        Assert.Equal(ErrorKind.InvalidSettings, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, 1, "color_matrix 7")]
    [InlineData(1, -1, "color_range -1")]
    public unsafe void Out_of_range_colour_fields_are_frame_errors(int matrix, int range, string expected)
    {
        byte* pixels = stackalloc byte[4 * 4 * 4];
        var e = Assert.Throws<AispException>(() => FrameValidator.Validate(PixelFormat.Nv12, 4, 4, [(nint)pixels, (nint)pixels], [4, 4], 0, (ColorMatrix)matrix, (ColorRange)range));
        Assert.Equal(ErrorKind.InvalidFrame, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_threads_feeding_one_instance_get_errors_that_are_counted_never_a_crash()
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(), NullLoggerFactory.Instance);
        using Mat scene = TestAssets.AstronautScene(300, 400, 200);
        int failures = 0;
        void Feed()
        {
            using var buffers = new FrameBuffers(PixelFormat.Bgra);
            buffers.Load(scene);
            for (int i = 0; i < 40; i++)
            {
                try
                {
                    pipeline.Process(buffers.AsFrame(i * 33_333_333L));
                }
                catch (AispException e)
                {
                    Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
                    Interlocked.Increment(ref failures);
                }
            }
        }

        await Task.WhenAll(Task.Run(Feed), Task.Run(Feed));
        StatsCounters c = pipeline.Stats.Read([]);
        Assert.Equal(80ul, c.FramesProcessed + c.FramesFailed);
        Assert.Equal((ulong)failures, c.FramesFailed);
        Assert.Equal((ulong)failures, c.Errors);
        if (failures > 0)
        {
            Assert.Contains("two threads", c.LastError, StringComparison.Ordinal);
        }
    }
}
