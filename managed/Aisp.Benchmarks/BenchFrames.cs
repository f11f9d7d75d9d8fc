using Aisp.Cli;
using Aisp.Core.Frames;
using OpenCvSharp;

namespace Aisp.Benchmarks;

/// <summary>A stream-like frame: the astronaut photo placed in a larger background, one face.</summary>
public static class BenchFrames
{
    public const string Astronaut = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";

    public static FrameBuffers OneFace(int width, int height, PixelFormat format = PixelFormat.Bgra)
    {
        using Mat photo = Cv2.ImRead(Astronaut, ImreadModes.Color);
        using var frame = new Mat(height, width, MatType.CV_8UC3, new Scalar(60, 70, 80));
        int side = Math.Min(height, 512);
        using Mat scaled = photo.Resize(new Size(side, side));
        scaled.CopyTo(frame[new Rect((width - side) / 2, height - side, side, side)]);
        var buffers = new FrameBuffers(format);
        buffers.Load(frame);
        return buffers;
    }

    /// <summary>A 1280x720 frame with <paramref name="count"/> faces side by side (the astronaut and Grace Hopper in turn, 240 px each).</summary>
    public static FrameBuffers Faces(int count)
    {
        using var frame = new Mat(720, 1280, MatType.CV_8UC3, new Scalar(60, 70, 80));
        for (int i = 0; i < count; i++)
        {
            using Mat photo = Cv2.ImRead(i % 2 == 0 ? Astronaut : GraceHopper, ImreadModes.Color);
            using Mat scaled = photo.Resize(new Size(240, 240));
            scaled.CopyTo(frame[new Rect(10 + (i * 252), 240, 240, 240)]);
        }

        var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(frame);
        return buffers;
    }

    public const string GraceHopper = "/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg";

    /// <summary>A sync pipeline with the given engine and Grace Hopper as the source face.</summary>
    public static Aisp.Core.Pipeline.FacePipeline PipelineWithSource(string engine)
    {
        var pipeline = Aisp.Core.Pipeline.FacePipeline.Create(
            $$"""{"models_dir":"{{ModelsDir}}","engine":"{{engine}}","threads":1,"quality":"quality"}""",
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        using Mat source = Cv2.ImRead("/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg", ImreadModes.Color);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(source);
        pipeline.SetSourceImage(buffers.AsFrame(), "grace_hopper");
        return pipeline;
    }

    public static string ModelsDir =>
        Environment.GetEnvironmentVariable("AISP_MODELS_DIR") ?? throw new InvalidOperationException("set AISP_MODELS_DIR (scripts/bench.sh does)");
}
