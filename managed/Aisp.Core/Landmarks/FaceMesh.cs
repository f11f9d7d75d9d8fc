using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Inference;
using Aisp.Core.Models;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Landmarks;

/// <summary>A mesh point: x, y in frame pixels, z relative depth in the same units (smaller is nearer the camera).</summary>
public readonly record struct Point3(float X, float Y, float Z);

/// <summary>
/// MediaPipe's 468-point face mesh (face_landmark.tflite converted to ONNX at fetch time) on a
/// square crop around the face, rotated to the face's roll so that the face stands upright in the
/// crop, as MediaPipe itself feeds it: the points hold at any roll, upside down included. Input
/// 192x192 RGB in [0, 1] (NHWC); outputs 468 x, y, z in crop pixels and a face-presence logit.
/// </summary>
public sealed class FaceMesh : IDisposable
{
    public const int Count = 468;

    /// <summary>Outer eye corners (the subject's right, then left) and the eye centres' contour points: what roll and inter-ocular distance are read from.</summary>
    public const int RightEyeOuter = 33, RightEyeInner = 133, LeftEyeInner = 362, LeftEyeOuter = 263, NoseTip = 1;

    /// <summary>The crop's side as a multiple of the face box's larger side (MediaPipe's 25 % margin on each side).</summary>
    private const float Margin = 1.5f;

    /// <summary>A detector box's side as a share of the mesh's extent (so crops from either are framed alike).</summary>
    private const float MeshToBox = 0.8f;

    /// <summary>
    /// Orientations tried for a face with no roll to start from (every 45 degrees): the model's
    /// confidence singles out the right one, and no face is then more than 22.5 degrees off the crop,
    /// close enough for the refinement to settle on its true roll. A tracked face skips this.
    /// </summary>
    private const int SearchTurns = 8;

    /// <summary>
    /// Most faces on a stream are upright: another turn must beat upright by this much (in logits)
    /// to be taken. A turned or half-hidden upright face can score a little higher 45 degrees off.
    /// </summary>
    private const float UprightPrior = 3;

    /// <summary>
    /// The prior for a face the frame's edge cuts (its box reaches past the edge): half a face
    /// misleads the model (a bowed head cut by the edge scored 5.5 logits higher upside down), and a
    /// face leaning into the picture is nearly always upright. A turned face there must be plain.
    /// </summary>
    private const float ClippedUprightPrior = 8;

    /// <summary>Passes after the first that re-crop at the mesh's own roll and box; a tracked face settles in one.</summary>
    private const int MaxRefinements = 4;

    private readonly ModelEntry _entry;
    private readonly OnnxModel _model;
    private readonly int _side;

    public FaceMesh(ModelEntry entry, string provider, int threads, ILogger logger)
    {
        _entry = entry.RequireLayout(TensorLayout.Nhwc);
        _side = entry.InputWidth;
        _model = new OnnxModel(entry, "input_1", [1, _side, _side, 3], [("conv2d_21", [1, 1, 1, Count * 3]), ("conv2d_31", [1, 1, 1, 1])], provider, threads, logger);

        // One run where the models load (the settings' thread): ONNX Runtime's first run costs a
        // hundred milliseconds or more, which the first analysed frame must not wait for.
        _model.Run();
    }

    public string ExecutionProvider => _model.ExecutionProvider;

    /// <summary>
    /// Runs the mesh on the crop around <paramref name="box"/> turned by <paramref name="roll"/>
    /// (radians, the angle of the face's eye line in the frame, clockwise in image coordinates);
    /// fills <paramref name="points"/> in frame coordinates and returns the face-presence logit
    /// (the model's confidence before the sigmoid: it saturates near 1 for any face-like crop, so
    /// orientations are compared on the logit).
    /// </summary>
    public float Run(in Frame frame, in BoxF box, float roll, Span<Point3> points)
    {
        Affine2D frameToCrop = CropTransform(box, roll, _side);
        AlignedCrop.FromFrame(frame, frameToCrop, _side, _entry.Mean, _entry.Std, _model.Input, TensorLayout.Nhwc);
        _model.Run();
        ReadOnlySpan<float> raw = _model.Output(0);
        Affine2D cropToFrame = frameToCrop.Inverse();
        float scale = MathF.Sqrt(MathF.Abs((cropToFrame.A * cropToFrame.E) - (cropToFrame.B * cropToFrame.D)));
        for (int i = 0; i < Count; i++)
        {
            (float x, float y) = cropToFrame.Apply(raw[3 * i], raw[(3 * i) + 1]);
            points[i] = new Point3(x, y, raw[(3 * i) + 2] * scale);
        }

        return _model.Output(1)[0];
    }

    /// <summary>
    /// The mesh at any roll. With a roll hint (the track's last mesh, or a detector's eye keypoints)
    /// the first pass is at that roll; without one (or one the model sees no face at), eight turns
    /// 45 degrees apart are tried and the one the model is surest of kept. Then passes follow at the roll and box the mesh itself shows
    /// (MediaPipe's own tracking: the crop follows the landmarks) until the roll settles within
    /// 5 degrees, so the crop ends upright and framed. Returns the presence probability and the roll.
    /// </summary>
    public (float Presence, float Roll) Locate(in Frame frame, in BoxF box, float? rollHint, Span<Point3> points)
    {
        float roll = rollHint ?? 0;
        float logit = rollHint is null ? float.NegativeInfinity : Run(frame, box, roll, points);
        bool hinted = logit > 0; // a hint the model does not see a face at is no hint
        if (!hinted)
        {
            float best = float.NegativeInfinity, prior = box.Left < 0 || box.Top < 0 || box.Right > frame.Width || box.Bottom > frame.Height ? ClippedUprightPrior : UprightPrior;
            for (int turn = 0; turn < SearchTurns; turn++)
            {
                float r = turn * 2 * MathF.PI / SearchTurns, l = Run(frame, box, r, points) + (turn == 0 ? prior : 0);
                if (l > best)
                {
                    (roll, best) = (r, l);
                }
            }

            logit = Run(frame, box, roll, points);
        }

        BoxF framed = box;
        int passes = hinted ? 1 : MaxRefinements; // a tracked face moved little since its last mesh: one re-framing is enough
        for (int pass = 0; pass < passes; pass++)
        {
            float seen = Roll(points);
            bool settled = MathF.Abs(AngleDifference(seen, roll)) < 5 * MathF.PI / 180;
            if (settled && pass > 0) // always one pass framed by the mesh itself: hinted or not, a face ends framed alike
            {
                break;
            }

            (roll, framed) = (seen, MeshBox(points, seen));
            logit = Run(frame, framed, roll, points);
        }

        return (1f / (1f + MathF.Exp(-logit)), roll);
    }

    /// <summary>
    /// The face box the mesh implies, in the face's own upright frame: the points turned by -roll
    /// about their centre, their bounds, scaled to the detector box's size (the crop margin was
    /// chosen for detector boxes), placed at the mesh's centre.
    /// </summary>
    private static BoxF MeshBox(ReadOnlySpan<Point3> points, float roll)
    {
        float cx = 0, cy = 0;
        foreach (Point3 p in points)
        {
            cx += p.X;
            cy += p.Y;
        }

        cx /= points.Length;
        cy /= points.Length;
        float cos = MathF.Cos(-roll), sin = MathF.Sin(-roll), minX = float.MaxValue, maxX = float.MinValue, minY = float.MaxValue, maxY = float.MinValue;
        foreach (Point3 p in points)
        {
            float x = (cos * (p.X - cx)) - (sin * (p.Y - cy)), y = (sin * (p.X - cx)) + (cos * (p.Y - cy));
            (minX, maxX, minY, maxY) = (MathF.Min(minX, x), MathF.Max(maxX, x), MathF.Min(minY, y), MathF.Max(maxY, y));
        }

        // The mesh spans forehead to chin; UltraFace's boxes are about 0.8 of that: keep the detector's framing.
        float side = MathF.Max(maxX - minX, maxY - minY) * MeshToBox;
        float ox = (minX + maxX) / 2, oy = (minY + maxY) / 2; // the bounds' centre, back in the frame
        float fx = cx + (MathF.Cos(roll) * ox) - (MathF.Sin(roll) * oy), fy = cy + (MathF.Sin(roll) * ox) + (MathF.Cos(roll) * oy);
        return new BoxF(fx - (side / 2), fy - (side / 2), fx + (side / 2), fy + (side / 2));
    }

    /// <summary>The face's roll from its mesh: the direction of the eye line, from the subject's right eye to the left.</summary>
    public static float Roll(ReadOnlySpan<Point3> points)
    {
        Point3 r = Mid(points[RightEyeOuter], points[RightEyeInner]), l = Mid(points[LeftEyeInner], points[LeftEyeOuter]);
        return MathF.Atan2(l.Y - r.Y, l.X - r.X);
    }

    /// <summary>Distance between the eye centres: the unit landmark errors are measured in.</summary>
    public static float InterOcular(ReadOnlySpan<Point3> points)
    {
        Point3 r = Mid(points[RightEyeOuter], points[RightEyeInner]), l = Mid(points[LeftEyeInner], points[LeftEyeOuter]);
        return MathF.Sqrt(((l.X - r.X) * (l.X - r.X)) + ((l.Y - r.Y) * (l.Y - r.Y)));
    }

    /// <summary>The frame -> crop map: the box's centre to the crop's centre, its larger side times the margin to the crop's side, turned by -roll.</summary>
    public static Affine2D CropTransform(in BoxF box, float roll, int side)
    {
        float cx = (box.Left + box.Right) / 2, cy = (box.Top + box.Bottom) / 2;
        float s = side / (MathF.Max(box.Width, box.Height) * Margin);
        float cos = MathF.Cos(-roll) * s, sin = MathF.Sin(-roll) * s;
        // x' = cos (x - cx) - sin (y - cy) + side/2; y' = sin (x - cx) + cos (y - cy) + side/2
        return new Affine2D(cos, -sin, (side / 2f) - (cos * cx) + (sin * cy), sin, cos, (side / 2f) - (sin * cx) - (cos * cy));
    }

    private static float AngleDifference(float a, float b) => MathF.IEEERemainder(a - b, 2 * MathF.PI);

    private static Point3 Mid(Point3 a, Point3 b) => new((a.X + b.X) / 2, (a.Y + b.Y) / 2, (a.Z + b.Z) / 2);

    public void Dispose() => _model.Dispose();
}
