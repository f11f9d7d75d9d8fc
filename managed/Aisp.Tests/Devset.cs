using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>The development photo set (../shared/data/devset): its truth files and pictures, read as the report needs them.</summary>
internal sealed class Devset(string root)
{
    public string Root { get; } = root;

    /// <summary>AISP_DEVSET, else shared/data/devset beside the checkout (where CI and the sessions have it).</summary>
    public static Devset Find()
    {
        string? env = Environment.GetEnvironmentVariable("AISP_DEVSET");
        if (!string.IsNullOrEmpty(env))
        {
            return new Devset(env);
        }

        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = System.IO.Path.Combine(d.FullName, "shared", "data", "devset");
            if (System.IO.File.Exists(System.IO.Path.Combine(candidate, "detect", "expected.tsv")))
            {
                return new Devset(candidate);
            }
        }

        throw new InvalidOperationException("the devset was not found: set AISP_DEVSET or keep shared/ beside the checkout");
    }

    public string File(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>The picture scaled down so its long side is at most <paramref name="maxSide"/> (a webcam-sized frame).</summary>
    public static Mat Fit(Mat bgr, int maxSide)
    {
        double s = Math.Min(1.0, (double)maxSide / Math.Max(bgr.Width, bgr.Height));
        return s >= 1 ? bgr.Clone() : bgr.Resize(new Size((int)Math.Round(bgr.Width * s), (int)Math.Round(bgr.Height * s)), 0, 0, InterpolationFlags.Area);
    }

    /// <summary>detect/expected.tsv: file, clear faces, MIN-MAX, note (estimates say so in the note).</summary>
    public IEnumerable<(string Path, int Faces, int Min, int Max, bool Estimate)> Groups() =>
        Rows("detect/expected.tsv").Select(r =>
        {
            string[] range = r[2].Split('-');
            return (System.IO.Path.Combine(Root, "detect", r[0]), int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture),
                r[3].Contains("ESTIMATE", StringComparison.Ordinal) || r[3].Contains("APPROXIMATE", StringComparison.Ordinal) || r[3].Contains("counted row by row", StringComparison.Ordinal) || r[0].StartsWith("d13", StringComparison.Ordinal));
        });

    /// <summary>noface/notes.tsv: pictures without a real face; the drawn face is kept apart (a product decision).</summary>
    public IEnumerable<(string Path, bool Drawn)> NoFace() =>
        Rows("noface/notes.tsv").Select(r => (System.IO.Path.Combine(Root, "noface", r[0]), r[0].StartsWith("n07", StringComparison.Ordinal)));

    public IEnumerable<string> Portraits() => Rows("portraits/notes.tsv").Select(r => System.IO.Path.Combine(Root, "portraits", r[0]));

    private IEnumerable<string[]> Rows(string file) =>
        System.IO.File.ReadAllLines(System.IO.Path.Combine(Root, file)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'));

    /// <summary>
    /// The portrait's main face in its own picture: the best-scoring find of the detector over the
    /// picture turned by 0, 90, 180 and 270 degrees (two portraits are stored turned), mapped back.
    /// </summary>
    public static BoxF? MainFace(Mat bgr, IFaceDetector detector)
    {
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        Frame frame = buffers.AsFrame();
        var view = new DetectionView();
        var found = new List<Face>();
        BoxF? best = null;
        float bestScore = 0;
        foreach (int degrees in new[] { 0, 90, 180, 270 })
        {
            Frame turned = view.Render(frame, ViewSpec.Turned(degrees, frame.Width, frame.Height, 1024, 1024));
            detector.Detect(turned, 0.6f, found);
            foreach (Face f in found)
            {
                if (f.Score > bestScore && f.Box.Width * f.Box.Height > bgr.Width * bgr.Height * 0.003)
                {
                    (best, bestScore) = (view.ToFrame(f.Box), f.Score);
                }
            }
        }

        return best;
    }

    /// <summary>The picture turned by <paramref name="degrees"/> on a canvas that holds all of it, and the map from the original's pixels into it.</summary>
    public static (Mat Image, Mat Map) Turn(Mat bgr, double degrees)
    {
        double rad = degrees * Math.PI / 180;
        double cos = Math.Abs(Math.Cos(rad)), sin = Math.Abs(Math.Sin(rad));
        int w = (int)Math.Ceiling((bgr.Width * cos) + (bgr.Height * sin)), h = (int)Math.Ceiling((bgr.Width * sin) + (bgr.Height * cos));
        Mat map = Cv2.GetRotationMatrix2D(new Point2f(bgr.Width / 2f, bgr.Height / 2f), -degrees, 1);
        map.Set(0, 2, map.At<double>(0, 2) + ((w - bgr.Width) / 2.0));
        map.Set(1, 2, map.At<double>(1, 2) + ((h - bgr.Height) / 2.0));
        var turned = new Mat();
        Cv2.WarpAffine(bgr, turned, map, new Size(w, h), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.Black);
        return (turned, map);
    }

    public static PointF Apply(Mat map, PointF p) => new(
        (float)((map.At<double>(0, 0) * p.X) + (map.At<double>(0, 1) * p.Y) + map.At<double>(0, 2)),
        (float)((map.At<double>(1, 0) * p.X) + (map.At<double>(1, 1) * p.Y) + map.At<double>(1, 2)));

    public static IFaceDetector Detector(string name, string modelsDir) =>
        DetectorFactory.Create(new PipelineSettings { ModelsDir = modelsDir, Detector = name, Threads = 1 }, NullLogger.Instance);
}
