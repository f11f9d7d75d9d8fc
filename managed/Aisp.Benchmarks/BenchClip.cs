using OpenCvSharp;

namespace Aisp.Benchmarks;

/// <summary>A 1280x720, 30 fps, 10 s clip of a real face moving across the frame, for the CLI throughput benchmark.</summary>
public static class BenchClip
{
    public static void Write(string path)
    {
        using Mat photo = Cv2.ImRead(BenchFrames.Astronaut, ImreadModes.Color);
        using Mat face = photo.Resize(new Size(400, 400));
        using var writer = new VideoWriter(path, FourCC.MJPG, 30, new Size(1280, 720));
        using var frame = new Mat(720, 1280, MatType.CV_8UC3);
        for (int i = 0; i < 300; i++)
        {
            frame.SetTo(new Scalar(70, 80, 90));
            int x = 100 + (int)(380 * (1 + Math.Sin(i * 0.05))), y = 160 + (int)(80 * Math.Sin(i * 0.09));
            face.CopyTo(frame[new Rect(x, y, 400, 400)]);
            writer.Write(frame);
        }
    }
}
