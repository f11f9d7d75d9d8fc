using System.Security.Cryptography;
using Aisp.Cli;
using Aisp.Core;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Onnx;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>Privacy fails closed: a frame no fresh analysis vouches for is covered whole, never shown.</summary>
public sealed class FailClosedTests
{
    /// <summary>A 1280x720 frame of the astronaut (300 px) at (400, 200): the face at about (500..560, 240..310), her suit below it.</summary>
    private static Mat Scene() => TestAssets.AstronautScene(300, 400, 200);

    [Fact]
    public void The_first_async_frame_after_create_is_covered_whole_then_only_the_face()
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"analysis\":\"async\""), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        using Mat scene = Scene();
        buffers.Load(scene);
        byte[] pristine = buffers.Snapshot();

        pipeline.Process(buffers.AsFrame(0));
        StatsCounters first = pipeline.Stats.Read([]);
        Assert.True(ChangedShare(pristine, buffers.Snapshot(), face: true) > 0.5, "the face of the first frame was shown");
        if (first.Notice.Length > 0 || first.FramesAnalysed == 0)
        {
            Assert.Equal(FailClosedGuard.CoverStarting, first.Notice);
            Assert.True(ChangedShare(pristine, buffers.Snapshot(), face: false) > 0.5, "the first frame was not covered whole");
        }

        // (On a loaded machine the worker may analyse frame 0 before the frame thread takes a result:
        // then that result serves the first frame, and only the face is covered.)

        // Once analysis has a result, only the face is covered.
        bool settled = false;
        for (int i = 1; i < 60 && !settled; i++)
        {
            Assert.True(pipeline.WaitForAnalysis(TimeSpan.FromSeconds(30)), $"frame {i - 1} was never analysed");
            buffers.Restore(pristine);
            pipeline.Process(buffers.AsFrame(i * 33_333_333L));
            settled = pipeline.Stats.Read([]).Notice.Length == 0;
            Assert.True(ChangedShare(pristine, buffers.Snapshot(), face: true) > 0.5, $"frame {i} showed the face");
        }

        Assert.True(settled, "analysis never served the privacy engine");
        Assert.Equal(0, ChangedShare(pristine, buffers.Snapshot(), face: false));
    }

    [Fact]
    public void The_first_frame_after_a_switch_to_privacy_is_covered()
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"analysis\":\"async\",\"engine\":\"none\""), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        using Mat scene = Scene();
        buffers.Load(scene);
        byte[] pristine = buffers.Snapshot();
        for (int i = 0; i < 5; i++)
        {
            pipeline.Process(buffers.AsFrame(i * 33_333_333L));
            Thread.Sleep(20);
        }

        Assert.Equal(pristine, buffers.Snapshot()); // "none" passes through
        pipeline.Update("{\"engine\":\"privacy\"}");
        pipeline.Process(buffers.AsFrame(5 * 33_333_333L));
        Assert.Equal("privacy", pipeline.Stats.Read([]).Engine);
        Assert.True(ChangedShare(pristine, buffers.Snapshot(), face: true) > 0.5, "the first privacy frame showed the face");
    }

    [Fact]
    public void A_stalled_analysis_is_an_error_in_the_status_and_privacy_covers_the_frame_until_destroy_which_does_not_hang()
    {
        string dir = SlowDetectorModels();
        try
        {
            var pipeline = FacePipeline.Create($$"""{"models_dir":"{{dir}}","detector":"ultraface","analysis":"async"}""", NullLoggerFactory.Instance);
            using var buffers = new FrameBuffers(PixelFormat.Bgra);
            using Mat scene = Scene();
            buffers.Load(scene);
            byte[] pristine = buffers.Snapshot();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            StatsCounters c = default;
            for (int i = 0; clock.Elapsed < TimeSpan.FromSeconds(1.6); i++)
            {
                buffers.Restore(pristine);
                pipeline.Process(buffers.AsFrame(i * 33_333_333L));
                c = pipeline.Stats.Read([]);
                Assert.True(ChangedShare(pristine, buffers.Snapshot(), face: false) > 0.5, $"frame {i} was not covered while analysis had no result");
                Thread.Sleep(33);
            }

            Assert.Equal(FailClosedGuard.CoverStalled, c.Notice);
            Assert.Equal(FailClosedGuard.StallError, c.LastError);
            Assert.Equal(ErrorKind.Inference, c.LastErrorKind);
            Assert.Equal(1ul, c.Errors);

            var destroy = System.Diagnostics.Stopwatch.StartNew();
            pipeline.Dispose();
            Assert.True(destroy.Elapsed < AnalysisJoinLimit, $"destroy took {destroy.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static readonly TimeSpan AnalysisJoinLimit = TimeSpan.FromSeconds(4);

    /// <summary>Share of colour bytes changed in the face box (face) or in a textured part of the picture far from it (the suit).</summary>
    private static double ChangedShare(byte[] before, byte[] after, bool face)
    {
        (int x0, int y0, int x1, int y1) = face ? (400 + 110, 200 + 60, 400 + 150, 200 + 100) : (420, 430, 680, 495);
        int changed = 0, total = 0;
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                for (int ch = 0; ch < 3; ch++)
                {
                    int i = (((y * 1280) + x) * 4) + ch;
                    total++;
                    changed += before[i] != after[i] ? 1 : 0;
                }
            }
        }

        return (double)changed / total;
    }

    /// <summary>
    /// The models folder with UltraFace replaced by a model of its signature that takes seconds a
    /// frame (hundreds of chained 480x480 matrix products of the input, as an oversized model on a
    /// weak CPU would): analysis is busy far past the watchdog's second.
    /// </summary>
    private static string SlowDetectorModels() => DetectorModels(SlowUltraFace(chain: 2000), "aisp-slow-");

    /// <summary>A scratch models folder whose UltraFace is <paramref name="model"/> (manifest hash updated); the caller deletes it.</summary>
    internal static string DetectorModels(byte[] model, string prefix)
    {
        string dir = TestAssets.CopyModels(prefix);
        File.WriteAllBytes(Path.Combine(dir, "slow.onnx"), model);
        string manifest = Path.Combine(dir, "manifest.json");
        string text = File.ReadAllText(manifest)
            .Replace("\"ultraface_rfb_320.onnx\"", "\"slow.onnx\"", StringComparison.Ordinal)
            .Replace("6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854", Convert.ToHexStringLower(SHA256.HashData(model)), StringComparison.Ordinal);
        File.WriteAllText(manifest, text);
        return dir;
    }

    /// <summary>
    /// A stand-in with UltraFace's signature whose one MatMul chain makes it slow; with <paramref name="boxRows"/>
    /// other than 4420 its "boxes" output has a shape the detector does not bind, so every run fails.
    /// </summary>
    internal static byte[] SlowUltraFace(int chain, long boxRows = 4420)
    {
        var graph = new GraphProto { Name = "slow-ultraface" };
        graph.Input.Add(StandInModels.FloatInfo("input", 1, 3, 240, 320));
        graph.Output.Add(StandInModels.FloatInfo("scores", 1, 4420, 2));
        graph.Output.Add(StandInModels.FloatInfo("boxes", 1, 4420, 4));
        graph.Initializer.Add(Ints("square", 480, 480));
        graph.Initializer.Add(Ints("scores_shape", 1, 4420, 2));
        graph.Initializer.Add(Ints("boxes_shape", 1, boxRows, 4));
        var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        w.Dims.Add(480);
        w.Dims.Add(480);
        var values = new float[480 * 480];
        for (int i = 0; i < 480; i++)
        {
            values[(i * 480) + i] = 0.5f; // keeps the values finite along the chain
        }

        w.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        graph.Initializer.Add(w);
        graph.Initializer.Add(new TensorProto { Name = "zero", DataType = (int)TensorProto.Types.DataType.Float, FloatData = { 0f } });
        graph.Node.Add(StandInModels.NodeOf("Reshape", ["input", "square"], ["m0"]));
        for (int i = 0; i < chain; i++)
        {
            graph.Node.Add(StandInModels.NodeOf("MatMul", [$"m{i}", "w"], [$"m{i + 1}"]));
        }

        var mean = StandInModels.NodeOf("ReduceMean", [$"m{chain}"], ["mean"]);
        mean.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Add(mean);
        graph.Node.Add(StandInModels.NodeOf("Mul", ["mean", "zero"], ["nothing"]));
        graph.Node.Add(StandInModels.NodeOf("Expand", ["nothing", "scores_shape"], ["scores"]));
        graph.Node.Add(StandInModels.NodeOf("Expand", ["nothing", "boxes_shape"], ["boxes"]));
        return StandInModels.ModelOf(graph);
    }

    private static TensorProto Ints(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return t;
    }
}
