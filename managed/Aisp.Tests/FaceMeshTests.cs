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

    private static Point3[] Mesh(FaceMesh mesh, Mat bgr, BoxF box, float? hint, out float roll)
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
