using System.Globalization;
using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Landmarks;
using Aisp.Core.Models;
using Aisp.Core.Settings;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// The 468-point mesh: the ONNX model models/tflite2onnx.py makes from MediaPipe's TFLite file
/// gives what OpenCV DNN gives running the original, on real faces; and with roll-aware crops the
/// mesh of a real photo rotated in steps of 15 degrees through 360 stays on the upright result.
/// </summary>
public sealed class FaceMeshTests(ITestOutputHelper output)
{
    private static string Tflite => Path.Combine(Path.GetDirectoryName(TestAssets.GroupPhoto("sample1"))!, "face_landmark.tflite");

    public static TheoryData<string> Faces => new() { TestAssets.Astronaut, TestAssets.GraceHopper, "sample1", "sample3" };

    [Theory]
    [MemberData(nameof(Faces))]
    public void The_converted_model_gives_what_opencv_gives_running_the_original_tflite(string photo)
    {
        using Mat bgr = TestAssets.Load(photo.Contains('/', StringComparison.Ordinal) ? photo : TestAssets.GroupPhoto(photo));
        Face face = DetectionTests.Detect(DetectorNames.Default, bgr, PixelFormat.Bgra).MaxBy(f => f.Box.Area);
        Affine2D toCrop = FaceMesh.CropTransform(face.Box, 0, 192);
        using var crop = new Mat();
        Cv2.WarpAffine(bgr, crop, InputArray.Create(new float[,] { { toCrop.A, toCrop.B, toCrop.C }, { toCrop.D, toCrop.E, toCrop.F } }), new Size(192, 192),
            InterpolationFlags.Linear, BorderTypes.Replicate);
        using var rgb = crop.CvtColor(ColorConversionCodes.BGR2RGB);
        using var scaled = new Mat();
        rgb.ConvertTo(scaled, MatType.CV_32FC3, 1 / 255.0);

        // The original, in OpenCV DNN (its TFLite importer takes NCHW blobs; OpenCvSharp swaps R and B unless told not to).
        using Net net = CvDnn.ReadNet(Tflite);
        using Mat blob = CvDnn.BlobFromImage(scaled, swapRB: false);
        net.SetInput(blob);
        string[] names = net.GetUnconnectedOutLayersNames()!;
        Mat[] mats = names.Select(_ => new Mat()).ToArray();
        float[] expected;
        try
        {
            net.Forward(mats, names);
            using Mat flat = mats.Single(m => m.Total() == 1404).Reshape(1, 1);
            flat.GetArray(out expected);
        }
        finally
        {
            Array.ForEach(mats, m => m.Dispose());
        }

        // The conversion, in ONNX Runtime, on the same pixels (NHWC).
        scaled.GetArray(out Vec3f[] pixels);
        var input = new DenseTensor<float>(pixels.SelectMany(p => new[] { p.Item0, p.Item1, p.Item2 }).ToArray(), [1, 192, 192, 3]);
        using var session = new InferenceSession(Path.Combine(TestAssets.ModelsDir, "face_mesh_468.onnx"));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input_1", input)]);
        float[] got = results.First(r => r.Name == "conv2d_21").AsEnumerable<float>().ToArray();
        float presence = results.First(r => r.Name == "conv2d_31").AsEnumerable<float>().Single();

        double maxDiff = expected.Zip(got, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(photo)}: max |onnx - opencv| = {maxDiff:F4} crop px over 1404 values; presence logit {presence:F2}"));
        Assert.True(maxDiff < 0.01, $"max difference {maxDiff} px");
        Assert.True(presence > 0, "the model does not see a face in a face crop");
        Assert.InRange(got.Where((_, i) => i % 3 == 0).Average(), 60, 132); // the points lie on the crop's face, not a constant
    }

    [Fact]
    public void Landmarks_hold_at_every_roll_within_five_percent_of_the_eye_distance()
    {
        using var mesh = new FaceMesh(ModelCatalog.Load(TestAssets.ModelsDir).Get("face-mesh-468"), "cpu", 1, NullLogger.Instance);
        var rows = new List<string>();
        double worst = 0;
        foreach (string photo in (string[])[TestAssets.Astronaut, TestAssets.GraceHopper])
        {
            using Mat upright = TestAssets.Load(photo);
            Face face = DetectionTests.Detect(DetectorNames.Default, upright, PixelFormat.Bgra).MaxBy(f => f.Box.Area);
            Point3[] reference = Mesh(mesh, upright, face.Box, null, out _);
            float iod = FaceMesh.InterOcular(reference);
            for (int angle = 0; angle < 360; angle += 15)
            {
                // The photo turned about the face's centre on a canvas large enough to keep it whole;
                // the box is the turned box's bounds (what a rotation-tolerant detector reports).
                var centre = new Point2f((face.Box.Left + face.Box.Right) / 2, (face.Box.Top + face.Box.Bottom) / 2);
                using Mat turn = Cv2.GetRotationMatrix2D(centre, -angle, 1.0); // OpenCV: positive is counter-clockwise
                using var turned = new Mat();
                Cv2.WarpAffine(upright, turned, turn, upright.Size(), InterpolationFlags.Linear, BorderTypes.Reflect101);
                turn.GetArray(out double[] m);
                BoxF box = Bounds(face.Box, m);
                Point3[] points = Mesh(mesh, turned, box, null, out float roll);

                // Back to the upright photo's coordinates, compared with the upright mesh.
                double[] inv = Invert(m);
                double error = 0;
                for (int i = 0; i < FaceMesh.Count; i++)
                {
                    double x = (inv[0] * points[i].X) + (inv[1] * points[i].Y) + inv[2], y = (inv[3] * points[i].X) + (inv[4] * points[i].Y) + inv[5];
                    error += Math.Sqrt(((x - reference[i].X) * (x - reference[i].X)) + ((y - reference[i].Y) * (y - reference[i].Y)));
                }

                double share = error / FaceMesh.Count / iod;
                worst = Math.Max(worst, share);
                rows.Add(string.Create(CultureInfo.InvariantCulture, $"ROLL photo={Path.GetFileNameWithoutExtension(photo)} angle={angle} error={share * 100:F2}% roll-found={roll * 180 / MathF.PI:F0}"));
            }
        }

        rows.ForEach(output.WriteLine);
        Assert.True(worst < 0.05, $"worst mean landmark error {worst:P1} of the eye distance");
    }

    /// <summary>
    /// The 68 points read off the mesh against the 68-point model's on real photos, per part, as a share
    /// of the eye distance. The mesh's jaw is the face's silhouette, the model's sits inside it (up to a
    /// third of the eye distance), and the small 64x64 model is itself a few percent off on eyes and
    /// mouth: the limits catch a wrong vertex table (a point on the wrong part is a whole eye distance
    /// off), not those known differences.
    /// </summary>
    [Fact]
    public void The_68_points_read_off_the_mesh_land_where_the_68_point_model_puts_them()
    {
        using var mesh = new FaceMesh(ModelCatalog.Load(TestAssets.ModelsDir).Get("face-mesh-468"), "cpu", 1, NullLogger.Instance);
        using var model = new FaceLandmarker(ModelCatalog.Load(TestAssets.ModelsDir).Get("landmarks-68"), "cpu", 1, NullLogger.Instance);
        (string Name, int From, int To, double Limit)[] groups = [("jaw", 0, 17, 0.50), ("brows", 17, 27, 0.16), ("nose", 27, 36, 0.20), ("eyes", 36, 48, 0.12), ("mouth", 48, 68, 0.20)];
        foreach (string photo in (string[])[TestAssets.Astronaut, TestAssets.GraceHopper, TestAssets.GroupPhoto("sample1"), TestAssets.GroupPhoto("sample4")])
        {
            using Mat bgr = TestAssets.Load(photo);
            using var buffers = new FrameBuffers(PixelFormat.Bgra);
            buffers.Load(bgr);
            foreach (Face detected in DetectionTests.Detect(DetectorNames.Default, bgr, PixelFormat.Bgra))
            {
                Face face = detected;
                model.Locate(buffers.AsFrame(), ref face);
                var points = new Point3[FaceMesh.Count];
                mesh.Locate(buffers.AsFrame(), face.Box, null, points);
                var fromMesh = new FaceLandmarks();
                MeshTo68.Fill(points, ref fromMesh);
                double iod = FaceMesh.InterOcular(points);
                foreach ((string name, int from, int to, double limit) in groups)
                {
                    double error = Enumerable.Range(from, to - from).Average(i => Math.Sqrt(Math.Pow(fromMesh[i].X - face.Landmarks[i].X, 2) + Math.Pow(fromMesh[i].Y - face.Landmarks[i].Y, 2))) / iod;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MESH68 {Path.GetFileNameWithoutExtension(photo)} face at {face.Box.Left:F0},{face.Box.Top:F0} {name}: {error:P1} of the eye distance"));
                    Assert.True(error < limit, $"{name} of the face at {face.Box} is {error:P1} off the 68-point model");

                }
            }
        }
    }

    /// <summary>
    /// The pipeline's own 68 landmarks (what the engines paint with) on the photos turned through 360
    /// degrees: with the default mesh landmarks within 5 % of the eye distance of the upright result at
    /// every angle; the 68-point model is reported beside it (it only holds near upright).
    /// </summary>
    [Fact]
    public void The_pipelines_landmarks_hold_at_every_roll_with_the_mesh()
    {
        double worst = 0;
        int misses = 0;
        foreach (string model in (string[])[LandmarkModels.Mesh, LandmarkModels.SixtyEight])
        {
            foreach (string photo in (string[])[TestAssets.Astronaut, TestAssets.GraceHopper])
            {
                using Mat upright = TestAssets.Load(photo);
                FaceLandmarks reference = PipelineLandmarks(upright, model, out BoxF box, out _) ?? throw new InvalidOperationException("no face upright");
                double iod = Distance(Mean(reference, 36, 42), Mean(reference, 42, 48));
                for (int angle = 0; angle < 360; angle += 15)
                {
                    var centre = new Point2f((box.Left + box.Right) / 2, (box.Top + box.Bottom) / 2);
                    using Mat turn = Cv2.GetRotationMatrix2D(centre, -angle, 1.0);
                    using var turned = new Mat();
                    Cv2.WarpAffine(upright, turned, turn, upright.Size(), InterpolationFlags.Linear, BorderTypes.Constant, new Scalar(40, 40, 40));
                    turn.GetArray(out double[] m);
                    double[] inv = Invert(m);
                    FaceLandmarks? maybe = PipelineLandmarks(turned, model, out BoxF foundBox, out float roll, near: new PointF(centre.X, centre.Y));
                    if (maybe is not { } found)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PIPELINE-ROLL landmarks={model} photo={Path.GetFileNameWithoutExtension(photo)} angle={angle} error=no-face"));
                        misses++;
                        continue;
                    }

                    double error = Enumerable.Range(0, FaceLandmarks.Count).Average(i =>
                        Distance(new PointF((float)((inv[0] * found[i].X) + (inv[1] * found[i].Y) + inv[2]), (float)((inv[3] * found[i].X) + (inv[4] * found[i].Y) + inv[5])), reference[i])) / iod;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PIPELINE-ROLL landmarks={model} photo={Path.GetFileNameWithoutExtension(photo)} angle={angle} error={error * 100:F1}% roll={roll * 180 / MathF.PI:F0} box={foundBox.Width:F0}x{foundBox.Height:F0}"));
                    if (model == LandmarkModels.Mesh)
                    {
                        worst = Math.Max(worst, error);
                    }
                }
            }
        }

        output.WriteLine($"PIPELINE-ROLL misses={misses}");
        // The mesh alone holds 5 % (the test above); here the detector's box adds its own error at some angles.
        Assert.True(worst < 0.06, $"the pipeline's mesh landmarks are {worst:P1} of the eye distance off at worst");
    }

    private static FaceLandmarks? PipelineLandmarks(Mat bgr, string model, out BoxF box, out float roll, PointF? near = null)
    {
        using var pipeline = Aisp.Core.Pipeline.FacePipeline.Create(TestAssets.Json(extra: $"\"engine\":\"landmarks\",\"landmarks\":\"{model}\",\"stabilize\":false"), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        pipeline.Process(buffers.AsFrame());
        // The photo's own face: the largest, or the one at the point the photo was turned about.
        Face[] faces = pipeline.LastFaces.ToArray().Where(f => f.HasLandmarks).ToArray();
        (box, roll) = (default, 0);
        if (faces.Length == 0)
        {
            return null;
        }

        Face face = near is { } c
            ? faces.MinBy(f => Distance(new PointF((f.Box.Left + f.Box.Right) / 2, (f.Box.Top + f.Box.Bottom) / 2), c))
            : faces.MaxBy(f => f.Box.Area);
        (box, roll) = (face.Box, face.Roll);
        return face.Landmarks;
    }

    private static PointF Mean(in FaceLandmarks points, int from, int to)
    {
        float x = 0, y = 0;
        for (int i = from; i < to; i++)
        {
            x += points[i].X;
            y += points[i].Y;
        }

        return new PointF(x / (to - from), y / (to - from));
    }

    private static double Distance(PointF a, PointF b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    /// <summary>
    /// Head pose from the mesh's depth on real photos: a mirrored photo turns the other way by the same
    /// amount, and turning the picture changes the roll only.
    /// </summary>
    [Fact]
    public void Head_pose_is_mirror_symmetric_and_does_not_change_when_the_picture_turns()
    {
        using var mesh = new FaceMesh(ModelCatalog.Load(TestAssets.ModelsDir).Get("face-mesh-468"), "cpu", 1, NullLogger.Instance);
        foreach (string photo in (string[])[TestAssets.Astronaut, TestAssets.GraceHopper, TestAssets.GroupPhoto("sample1")])
        {
            using Mat upright = TestAssets.Load(photo);
            using Mat mirrored = upright.Flip(FlipMode.Y);
            using Mat turned = new();
            Cv2.Rotate(upright, turned, RotateFlags.Rotate90Clockwise);
            foreach (Face face in DetectionTests.Detect(DetectorNames.Default, upright, PixelFormat.Bgra))
            {
                HeadPose pose = HeadPose.From(Mesh(mesh, upright, face.Box, null, out _));
                BoxF m = new(upright.Width - face.Box.Right, face.Box.Top, upright.Width - face.Box.Left, face.Box.Bottom);
                HeadPose flipped = HeadPose.From(Mesh(mesh, mirrored, m, null, out _));
                BoxF t = new(upright.Height - face.Box.Bottom, face.Box.Left, upright.Height - face.Box.Top, face.Box.Right); // 90 degrees clockwise
                HeadPose quarter = HeadPose.From(Mesh(mesh, turned, t, null, out _));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"POSE {Path.GetFileNameWithoutExtension(photo)} face at {face.Box.Left:F0}: yaw {pose.Yaw:F1} pitch {pose.Pitch:F1} roll {pose.Roll:F1}; mirrored yaw {flipped.Yaw:F1} pitch {flipped.Pitch:F1}; turned yaw {quarter.Yaw:F1} pitch {quarter.Pitch:F1} roll {quarter.Roll:F1}"));
                // The mesh itself moves a few degrees between crops of the same face: 8 degrees of slack.
                Assert.InRange(flipped.Yaw, -pose.Yaw - 8, -pose.Yaw + 8);
                Assert.InRange(flipped.Pitch, pose.Pitch - 8, pose.Pitch + 8);
                Assert.InRange(quarter.Yaw, pose.Yaw - 8, pose.Yaw + 8);
                Assert.InRange(quarter.Pitch, pose.Pitch - 8, pose.Pitch + 8);
                Assert.InRange(Math.Abs(Math.IEEERemainder(quarter.Roll - pose.Roll - 90, 360)), 0, 8);
            }
        }
    }

    internal static Point3[] Mesh(FaceMesh mesh, Mat bgr, BoxF box, float? hint, out float roll)
    {
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        var points = new Point3[FaceMesh.Count];
        (float presence, roll) = mesh.Locate(buffers.AsFrame(), box, hint, points);
        Assert.True(presence > 0.5, $"presence {presence}");
        return points;
    }

    private static BoxF Bounds(BoxF b, double[] m)
    {
        (double X, double Y)[] corners = [(b.Left, b.Top), (b.Right, b.Top), (b.Left, b.Bottom), (b.Right, b.Bottom)];
        var moved = corners.Select(c => ((m[0] * c.X) + (m[1] * c.Y) + m[2], (m[3] * c.X) + (m[4] * c.Y) + m[5])).ToArray();
        return new BoxF((float)moved.Min(p => p.Item1), (float)moved.Min(p => p.Item2), (float)moved.Max(p => p.Item1), (float)moved.Max(p => p.Item2));
    }

    private static double[] Invert(double[] m)
    {
        double det = (m[0] * m[4]) - (m[1] * m[3]);
        double a = m[4] / det, b = -m[1] / det, d = -m[3] / det, e = m[0] / det;
        return [a, b, -((a * m[2]) + (b * m[5])), d, e, -((d * m[2]) + (e * m[5]))];
    }
}
