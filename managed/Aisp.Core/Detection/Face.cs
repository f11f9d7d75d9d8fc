using System.Runtime.CompilerServices;
using Aisp.Core.Landmarks;

namespace Aisp.Core.Detection;

/// <summary>A point in frame pixels.</summary>
public readonly record struct PointF(float X, float Y);

/// <summary>An axis-aligned box in frame pixels.</summary>
public readonly record struct BoxF(float Left, float Top, float Right, float Bottom)
{
    public float Width => Right - Left;
    public float Height => Bottom - Top;
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    public PointF Centre => new((Left + Right) / 2, (Top + Bottom) / 2);

    public float IoU(in BoxF other)
    {
        float inter = Intersection(other);
        return inter <= 0 ? 0 : inter / (Area + other.Area - inter);
    }

    /// <summary>The area this box and <paramref name="other"/> share.</summary>
    public float Intersection(in BoxF other) =>
        Math.Max(0, Math.Min(Right, other.Right) - Math.Max(Left, other.Left)) * Math.Max(0, Math.Min(Bottom, other.Bottom) - Math.Max(Top, other.Top));

    public bool Contains(PointF p) => p.X >= Left && p.X <= Right && p.Y >= Top && p.Y <= Bottom;
}

/// <summary>Six keypoints in MediaPipe's order, held inline so faces are plain values.</summary>
[InlineArray(FaceKeypoints.Count)]
public struct FaceKeypoints
{
    public const int Count = 6;
    public const int LeftEye = 0, RightEye = 1, Nose = 2, Mouth = 3, LeftEar = 4, RightEar = 5;

    private PointF _first;
}

#pragma warning disable CA1051 // a plain value type: public fields keep in-place list updates allocation-free
/// <summary>One detected face. A value type so result lists are reused without allocation.</summary>
public struct Face
{
    public BoxF Box;
    public float Score;

    /// <summary>False for detectors that give boxes only (UltraFace).</summary>
    public bool HasKeypoints;

    public FaceKeypoints Keypoints;

    /// <summary>True once <see cref="Landmarks"/> holds the 68 points of this face.</summary>
    public bool HasLandmarks;

    /// <summary>iBUG 68-point landmarks in frame pixels (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67).</summary>
    public FaceLandmarks Landmarks;

    /// <summary>True once <see cref="Mesh"/> holds the face's 468-point mesh (mesh landmarks, and every source face).</summary>
    public bool HasMesh;

    /// <summary>True once <see cref="Presence"/> was measured (the 468-point mesh ran on the face).</summary>
    public bool HasPresence;

    /// <summary>How sure the 468-point mesh is that this is a face (0..1): engines that paint a face draw only on faces it sees (<see cref="Engines.PaintedFaces.PaintPresence"/>).</summary>
    public float Presence;

    /// <summary>MediaPipe's 468 points in frame pixels, z the relative depth (what the mesh swap draws by).</summary>
    public MeshPoints Mesh;

    /// <summary>True once <see cref="Roll"/> holds the face's roll (set by the mesh landmarks).</summary>
    public bool HasRoll;

    /// <summary>The angle of the eye line in the frame, radians, clockwise in image coordinates: what the next analysis starts from.</summary>
    public float Roll;

    /// <summary>True once <see cref="Yaw"/> and <see cref="Pitch"/> hold the head's pose (from the mesh's depth).</summary>
    public bool HasPose;

    /// <summary>Head pose in degrees (<see cref="Landmarks.HeadPose"/>): yaw, the turn; pitch, the nod.</summary>
    public float Yaw, Pitch;

    /// <summary>Identity of the face across frames (same person, same id), assigned by the tracker; 0 when untracked.</summary>
    public int TrackId;

    /// <summary>How fast the face moves, in frame pixels per second (from the tracker), to predict it forward.</summary>
    public PointF Velocity;

    /// <summary>Box centre minus the centre of the raw (unsmoothed) landmarks, measured when the face was detected: between detections the box follows the landmarks with this offset.</summary>
    public PointF BoxFromLandmarks;

    /// <summary>Who this face is by the face library (the recognition stage), null when nobody enrolled matches or when not looked at yet.</summary>
    public string? Identity;

    /// <summary>Cosine similarity of the best match (0 when not recognised).</summary>
    public float IdentityScore;

    /// <summary>True once recognition has looked at this face's track: until then the face is neither known nor unknown.</summary>
    public bool Recognised;

        /// <summary>Colour of the face inside its landmark outline, measured by analysis for the swap engines (the mesh swap matches colour to it).</summary>
    public Swap.LabStats Colour;

    /// <summary>This face moved by (dx, dy): box, keypoints and landmarks.</summary>
    public void Shift(float dx, float dy)
    {
        Box = new BoxF(Box.Left + dx, Box.Top + dy, Box.Right + dx, Box.Bottom + dy);
        for (int k = 0; k < FaceKeypoints.Count; k++)
        {
            Keypoints[k] = new PointF(Keypoints[k].X + dx, Keypoints[k].Y + dy);
        }

        if (HasLandmarks)
        {
            for (int k = 0; k < FaceLandmarks.Count; k++)
            {
                Landmarks[k] = new PointF(Landmarks[k].X + dx, Landmarks[k].Y + dy);
            }
        }

        if (HasMesh)
        {
            for (int k = 0; k < MeshPoints.Count; k++)
            {
                Mesh[k] = new Point3(Mesh[k].X + dx, Mesh[k].Y + dy, Mesh[k].Z);
            }
        }
    }

    /// <summary>This face seen in a picture <paramref name="s"/> times as large (analysis on a downscaled copy): positions and velocity scale.</summary>
    public void Scale(float s)
    {
        Box = new BoxF(Box.Left * s, Box.Top * s, Box.Right * s, Box.Bottom * s);
        Velocity = new PointF(Velocity.X * s, Velocity.Y * s);
        BoxFromLandmarks = new PointF(BoxFromLandmarks.X * s, BoxFromLandmarks.Y * s);
        for (int k = 0; k < FaceKeypoints.Count; k++)
        {
            Keypoints[k] = new PointF(Keypoints[k].X * s, Keypoints[k].Y * s);
        }

        for (int k = 0; k < FaceLandmarks.Count; k++)
        {
            Landmarks[k] = new PointF(Landmarks[k].X * s, Landmarks[k].Y * s);
        }

        if (HasMesh)
        {
            for (int k = 0; k < MeshPoints.Count; k++)
            {
                Mesh[k] = new Point3(Mesh[k].X * s, Mesh[k].Y * s, Mesh[k].Z * s);
            }
        }
    }

    /// <summary>The five points of the ArcFace alignment (eyes, nose tip, mouth corners), from landmarks or keypoints.</summary>
    public readonly void FivePoints(Span<PointF> points)
    {
        if (HasLandmarks)
        {
            points[0] = FaceLandmarks.Mean(Landmarks, 36, 42);
            points[1] = FaceLandmarks.Mean(Landmarks, 42, 48);
            points[2] = Landmarks[30];
            points[3] = Landmarks[48];
            points[4] = Landmarks[54];
            return;
        }

        // BlazeFace keypoints have one mouth point: spread it by a third of the eye distance.
        PointF l = Keypoints[FaceKeypoints.LeftEye], r = Keypoints[FaceKeypoints.RightEye], m = Keypoints[FaceKeypoints.Mouth];
        float dx = (r.X - l.X) / 3, dy = (r.Y - l.Y) / 3;
        points[0] = l;
        points[1] = r;
        points[2] = Keypoints[FaceKeypoints.Nose];
        points[3] = new PointF(m.X - dx, m.Y - dy);
        points[4] = new PointF(m.X + dx, m.Y + dy);
    }
}

/// <summary>68 landmarks held inline, so faces stay plain values.</summary>
[InlineArray(Count)]
public struct FaceLandmarks
{
    public const int Count = 68;

    private PointF _first;

    /// <summary>The smallest box holding all 68 points.</summary>
    public static BoxF Bounds(in FaceLandmarks points)
    {
        float l = float.MaxValue, t = float.MaxValue, r = float.MinValue, b = float.MinValue;
        for (int i = 0; i < Count; i++)
        {
            l = MathF.Min(l, points[i].X);
            t = MathF.Min(t, points[i].Y);
            r = MathF.Max(r, points[i].X);
            b = MathF.Max(b, points[i].Y);
        }

        return new BoxF(l, t, r, b);
    }

    public static PointF Mean(in FaceLandmarks points, int from, int to)
    {
        float x = 0, y = 0;
        for (int i = from; i < to; i++)
        {
            x += points[i].X;
            y += points[i].Y;
        }

        return new PointF(x / (to - from), y / (to - from));
    }
}
