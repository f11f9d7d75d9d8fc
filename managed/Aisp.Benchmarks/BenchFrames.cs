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

    public static string ModelsDir =>
        Environment.GetEnvironmentVariable("AISP_MODELS_DIR") ?? throw new InvalidOperationException("set AISP_MODELS_DIR (scripts/bench.sh does)");
}
