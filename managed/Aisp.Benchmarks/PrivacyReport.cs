using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Aisp.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace Aisp.Benchmarks;

/// <summary>
/// The privacy quality report (scripts/privacy-report.sh writes it into docs/QUALITY.md): per
/// detector on the devset, clear faces covered and false faces, faces covered at every roll, frames
/// with an uncovered face in made-up videos, and what the search costs on the analysis thread. Each
/// measure is taken twice where it says "before": the upright detector alone, capped at 16 faces,
/// as privacy worked until now.
/// </summary>
internal static class PrivacyReport
{
    private static readonly string[] Detectors = [DetectorNames.UltraFace, DetectorNames.BlazeFaceBack];

    public static int Run(string devsetDir, string modelsDir)
    {
        var devset = new Devset(devsetDir);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured on {Environment.ProcessorCount} cores, sync analysis at the \"quality\" level, default confidence and padding.");
        md.AppendLine();
        Groups(devset, modelsDir, md);
        NoFace(devset, modelsDir, md);
        Rolls(devset, modelsDir, md);
        Videos(devset, modelsDir, md);
        Cost(devset, modelsDir, md);
        Console.Write(md.ToString());
        return 0;
    }

    private static void Groups(Devset devset, string models, StringBuilder md)
    {
        md.AppendLine("### Group photos (devset `detect/`)");
        md.AppendLine();
        md.AppendLine("Clear faces covered: per picture min(faces covered, clear faces), summed over the pictures whose count is exact, over their clear faces (a count, not a match of boxes: a false face elsewhere would count too, which the no-face pictures below bound). \"before\": the upright detector alone with the 16-face cap privacy had.");
        md.AppendLine();
        md.AppendLine("| picture | clear faces (range) | " + string.Join(" | ", Detectors.Select(d => $"{d}: before / now / over budget")) + " |");
        md.AppendLine("|---|---|" + string.Join("|", Detectors.Select(_ => "---")) + "|");
        var totals = Detectors.ToDictionary(d => d, _ => (Before: 0, Now: 0, Faces: 0));
        var pipelines = Detectors.ToDictionary(d => d, d => Pipeline(models, d));
        var raw = Detectors.ToDictionary(d => d, d => Devset.Detector(d, models));
        foreach ((string path, int faces, int min, int max, bool estimate) in devset.Groups())
        {
            using Mat bgr = Cv2.ImRead(path, ImreadModes.Color);
            var cells = new List<string>();
            foreach (string d in Detectors)
            {
                int before = Math.Min(RawCount(raw[d], bgr), AnalysisResult.MaxFaces);
                StatsCounters now = Process(pipelines[d], bgr, 0);
                cells.Add($"{before} / {now.FacesCovered} / {now.FacesOverBudget}");
                if (!estimate)
                {
                    (int b, int n, int f) = totals[d];
                    totals[d] = (b + Math.Min(before, faces), n + Math.Min(now.FacesCovered, faces), f + faces);
                }
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {System.IO.Path.GetFileName(path)}{(estimate ? " (estimate)" : "")} | {faces} ({min}-{max}) | {string.Join(" | ", cells)} |");
        }

        md.AppendLine();
        foreach (string d in Detectors)
        {
            (int b, int n, int f) = totals[d];
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{d}**: clear faces covered **{Pct(n, f)}** ({n} of {f}); before {Pct(b, f)}. Every face found is covered: the status counts found = covered on every picture above.");
            pipelines[d].Dispose();
            raw[d].Dispose();
        }

        md.AppendLine();
    }

    private static void NoFace(Devset devset, string models, StringBuilder md)
    {
        md.AppendLine("### Pictures without a face (devset `noface/`)");
        md.AppendLine();
        md.AppendLine("| detector | pictures | false faces before | false faces now | the drawn face (kept apart): before / now |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (string d in Detectors)
        {
            using FacePipeline pipeline = Pipeline(models, d);
            using IFaceDetector raw = Devset.Detector(d, models);
            int pictures = 0, before = 0, now = 0, drawnBefore = 0, drawnNow = 0;
            foreach ((string path, bool drawn) in devset.NoFace())
            {
                using Mat bgr = Cv2.ImRead(path, ImreadModes.Color);
                int b = RawCount(raw, bgr), n = Process(pipeline, bgr, 0).FacesCovered;
                if (drawn)
                {
                    (drawnBefore, drawnNow) = (b, n);
                    continue;
                }

                pictures++;
                before += b;
                now += n;
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {d} | {pictures} | {before} | {now} | {drawnBefore} / {drawnNow} |");
        }

        md.AppendLine();
    }

    private static void Rolls(Devset devset, string models, StringBuilder md)
    {
        md.AppendLine("### Faces covered at every roll (devset `portraits/`, each turned in 15-degree steps)");
        md.AppendLine();
        md.AppendLine("A face is covered when 95 % of a disc around its centre (radius 0.35 of its size) lies inside the covered boxes with their padding. The face is measured once per portrait, on the picture turned to where UltraFace scores it best. \"before\": the upright detector alone.");
        md.AppendLine();
        int[] angles = [.. Enumerable.Range(0, 24).Select(i => i * 15)];
        md.AppendLine("| detector | " + string.Join(" | ", angles) + " | all |");
        md.AppendLine("|---|" + string.Join("|", angles.Select(_ => "---")) + "|---|");
        using IFaceDetector truthDetector = Devset.Detector(DetectorNames.UltraFace, models);
        foreach (string d in Detectors)
        {
            using FacePipeline pipeline = Pipeline(models, d);
            using IFaceDetector raw = Devset.Detector(d, models);
            var before = new int[angles.Length];
            var now = new int[angles.Length];
            int portraits = 0;
            foreach (string path in devset.Portraits())
            {
                using Mat bgr = Cv2.ImRead(path, ImreadModes.Color);
                if (Devset.MainFace(bgr, truthDetector) is not { } truth)
                {
                    continue;
                }

                portraits++;
                float size = Math.Min(truth.Width, truth.Height);
                for (int a = 0; a < angles.Length; a++)
                {
                    (Mat turned, Mat map) = Devset.Turn(bgr, angles[a]);
                    using (turned)
                    using (map)
                    {
                        PointF centre = Devset.Apply(map, new PointF((truth.Left + truth.Right) / 2, (truth.Top + truth.Bottom) / 2));
                        before[a] += Coverage.Covered(centre, size, RawBoxes(raw, turned), 0.2f) ? 1 : 0;
                        Process(pipeline, turned, 0);
                        now[a] += Coverage.Covered(centre, size, [.. pipeline.LastFaces.ToArray().Select(f => f.Box)], pipeline.Settings.PrivacyPadding) ? 1 : 0;
                    }
                }
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {d} before | {string.Join(" | ", before)} | {Pct(before.Sum(), portraits * angles.Length)} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| **{d} now** | {string.Join(" | ", now)} | **{Pct(now.Sum(), portraits * angles.Length)}** |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| (of {portraits} portraits) | {string.Join(" | ", angles.Select(_ => ""))} | |");
        }

        md.AppendLine();
    }

    private static void Videos(Devset devset, string models, StringBuilder md)
    {
        md.AppendLine("### Frames with an uncovered face in test videos");
        md.AppendLine();
        md.AppendLine("1280x720 videos made from portraits (`TestVideos`: pan, zoom, a head turning through 360 degrees, a hand-sized bar sweeping across the face, a cut to another person), 30 fps timestamps, for three portraits each; the truth is carried through each frame's transform.");
        md.AppendLine();
        md.AppendLine("| detector | " + string.Join(" | ", TestVideos.Names) + " | frames |");
        md.AppendLine("|---|" + string.Join("|", TestVideos.Names.Select(_ => "---")) + "|---|");
        string[] portraits = ["p01_frontal_neutral.jpg", "p07_child_frontal.jpg", "p10_glasses_smile.jpg"];
        using IFaceDetector truthDetector = Devset.Detector(DetectorNames.UltraFace, models);
        foreach (string d in Detectors)
        {
            var uncovered = new int[TestVideos.Names.Length];
            int frames = 0;
            for (int p = 0; p < portraits.Length; p++)
            {
                using Mat a = Load(devset, portraits[p]), b = Load(devset, portraits[(p + 1) % portraits.Length]);
                BoxF fa = Devset.MainFace(a, truthDetector)!.Value, fb = Devset.MainFace(b, truthDetector)!.Value;
                for (int v = 0; v < TestVideos.Names.Length; v++)
                {
                    using FacePipeline pipeline = Pipeline(models, d);
                    int i = 0;
                    foreach (VideoFrame frame in TestVideos.Make(TestVideos.Names[v], a, fa, b, fb))
                    {
                        using (frame)
                        {
                            Process(pipeline, frame.Image, (i++ * 33_333_333L) + 1);
                            frames++;
                            BoxF[] boxes = [.. pipeline.LastFaces.ToArray().Select(f => f.Box)];
                            uncovered[v] += frame.Covered(boxes, pipeline.Settings.PrivacyPadding) ? 0 : 1;
                        }
                    }
                }
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {d} | {string.Join(" | ", uncovered)} | {frames} |");
        }

        md.AppendLine();
    }

    private static void Cost(Devset devset, string models, StringBuilder md)
    {
        md.AppendLine("### What the search costs on the analysis thread");
        md.AppendLine();
        md.AppendLine("One core (sync analysis, `threads` 1), the pan video at 1280x720 and the same frames scaled to 1920x1080, \"quality\" (a detection round every frame, one extra view each) and \"performance\" (a round every sixth frame): the upright detection and privacy's extra search (turned views, tiles, mesh checks, tracks), p50 / p95 ms per analysed frame (at \"performance\" the 60 frames hold ten detection rounds, so the p95 is the first frame's), and the first frame of a file, which searches every view. Live (async) analysis gets the same per-round budget, but its first round does not wait for a sweep: the frame is covered whole until the first result, and the turned views follow one a round (whole-frame views before tiles).");
        md.AppendLine();
        md.AppendLine("| detector | frame | level | views | detect p50 / p95 | extra search p50 / p95 | first frame, all views |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        using Mat portrait = Load(devset, "p07_child_frontal.jpg");
        using IFaceDetector truthDetector = Devset.Detector(DetectorNames.UltraFace, models);
        BoxF face = Devset.MainFace(portrait, truthDetector)!.Value;
        foreach (string d in Detectors)
        {
            foreach ((int w, int h) in new[] { (1280, 720), (1920, 1080) })
            {
                foreach (string level in new[] { "quality", "performance" })
                {
                    using FacePipeline pipeline = Pipeline(models, d, level);
                    int i = 0;
                    double first = 0;
                    foreach (VideoFrame frame in TestVideos.Make("pan", portrait, face, portrait, face))
                    {
                        using (frame)
                        using (Mat sized = w == TestVideos.Width ? frame.Image.Clone() : frame.Image.Resize(new Size(w, h)))
                        {
                            long t0 = Stopwatch.GetTimestamp();
                            Process(pipeline, sized, (i * 33_333_333L) + 1);
                            if (i++ == 0)
                            {
                                first = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                            }
                        }
                    }

                    Span<StageLatency> stages = stackalloc StageLatency[PipelineStats.StageCount];
                    pipeline.Stats.Read(stages);
                    int views = ViewCount(d, models, w, h);
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {d} | {w}x{h} | {level} | {views} | {stages[(int)Stage.Detect].P50Ms:0.0} / {stages[(int)Stage.Detect].P95Ms:0.0} | {stages[(int)Stage.Cover].P50Ms:0.0} / {stages[(int)Stage.Cover].P95Ms:0.0} | {first:0} |");
                }
            }
        }

        md.AppendLine();
    }

    private static int ViewCount(string detector, string models, int w, int h)
    {
        using IFaceDetector det = Devset.Detector(detector, models);
        var views = new Aisp.Core.Coverage.CoverViews();
        views.Prepare(w, h, det.InputSize.Width, det.InputSize.Height);
        return views.Views.Count - 1;
    }

    private static Mat Load(Devset devset, string portrait)
    {
        using Mat bgr = Cv2.ImRead(devset.File("portraits/" + portrait), ImreadModes.Color);
        return Devset.Fit(bgr, 360);
    }

    private static FacePipeline Pipeline(string models, string detector, string quality = "quality") =>
        FacePipeline.Create($$"""{"models_dir":"{{models}}","detector":"{{detector}}","quality":"{{quality}}"}""", NullLoggerFactory.Instance);

    private static StatsCounters Process(FacePipeline pipeline, Mat bgr, long timestampNs)
    {
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        pipeline.Process(buffers.AsFrame(timestampNs));
        return pipeline.Stats.Read([]);
    }

    private static int RawCount(IFaceDetector detector, Mat bgr) => RawBoxes(detector, bgr).Length;

    private static BoxF[] RawBoxes(IFaceDetector detector, Mat bgr)
    {
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        var found = new List<Face>();
        detector.Detect(buffers.AsFrame(), 0.6f, found);
        return [.. found.Select(f => f.Box)];
    }

    private static string Pct(int n, int of) => of == 0 ? "-" : (100.0 * n / of).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
