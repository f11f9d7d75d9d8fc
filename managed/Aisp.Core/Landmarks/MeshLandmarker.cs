using Aisp.Core.Detection;
using Aisp.Core.Frames;

namespace Aisp.Core.Landmarks;

/// <summary>
/// The 68 landmarks read off the 468-point mesh, with the crop turned to the face's roll, so they
/// hold at any roll, upside down included. The roll to start from: the face's own from the previous
/// analysis (tracking frames keep their faces), else the detector's eye keypoints, else that of the
/// previous analysis's face nearest to this one, else none (the mesh then tries eight turns).
/// Faces the mesh does not see (presence under 0.05) get the 68-point model's landmarks instead. Allocates nothing per frame.
/// </summary>
public sealed class MeshLandmarker(FaceMesh mesh, FaceLandmarker fallback) : ILandmarker
{
    private const int Remembered = 16;

    /// <summary>
    /// Below this the mesh found no face in the box. Low on purpose: small, blurred and half-turned
    /// real faces score from about 0.2 up, while textures and animals sit near 0.001 (logit -6, see
    /// MeshVerifiedDetector); the detector has already said there is a face.
    /// </summary>
    private const float MinPresence = 0.05f;
    private readonly (PointF Centre, float Size, float Roll)[] _previous = new (PointF, float, float)[Remembered];
    private readonly (PointF Centre, float Size, float Roll)[] _current = new (PointF, float, float)[Remembered];
    private int _previousCount, _currentCount;
    private long _frame = long.MinValue;

    public void Locate(in Frame frame, ref Face face)
    {
        if (frame.TimestampNs != _frame)
        {
            // A new frame: what the last one found becomes the hints, if it was the frame before this
            // one in a video (stills and sources come with any timestamp and hint nothing).
            bool next = frame.TimestampNs > _frame && frame.TimestampNs - _frame < 1_000_000_000;
            Array.Copy(_current, _previous, _currentCount);
            (_previousCount, _currentCount, _frame) = (next ? _currentCount : 0, 0, frame.TimestampNs);
        }

        float? hint = face.HasRoll ? face.Roll
            : face.HasKeypoints ? MathF.Atan2(face.Keypoints[FaceKeypoints.RightEye].Y - face.Keypoints[FaceKeypoints.LeftEye].Y, face.Keypoints[FaceKeypoints.RightEye].X - face.Keypoints[FaceKeypoints.LeftEye].X)
            : Nearest(face.Box);
        (float presence, float roll) = mesh.Locate(frame, face.Box, hint, face.Mesh);
        (face.Presence, face.HasPresence) = (presence, true);
        if (presence < MinPresence)
        {
            // The detector saw a face the mesh does not (a small grey profile behind a camera, say): the
            // 68-point model still gives upright landmarks, as it did before the mesh.
            fallback.Locate(frame, ref face);
            face.HasRoll = false;
            face.HasPose = false;
            face.HasMesh = false;
            return;
        }

        MeshTo68.Fill(face.Mesh, ref face.Landmarks);
        face.HasLandmarks = true;
        Keep(ref face, roll);
        if (_currentCount < Remembered)
        {
            _current[_currentCount++] = (new PointF((face.Box.Left + face.Box.Right) / 2, (face.Box.Top + face.Box.Bottom) / 2), MathF.Max(face.Box.Width, face.Box.Height), roll);
        }
    }

    /// <summary>
    /// Only the mesh (and roll, pose) of a face whose 68 landmarks come from elsewhere: a source
    /// picture, whose mesh the mesh swap draws from whichever landmarks the targets use. False when
    /// the mesh sees no face there.
    /// </summary>
    public static bool LocateMesh(FaceMesh mesh, in Frame frame, ref Face face)
    {
        float? hint = face.HasLandmarks ? MathF.Atan2(face.Landmarks[45].Y - face.Landmarks[36].Y, face.Landmarks[45].X - face.Landmarks[36].X) : null;
        (float presence, float roll) = mesh.Locate(frame, face.Box, hint, face.Mesh);
        if (presence < MinPresence)
        {
            face.HasMesh = false;
            return false;
        }

        Keep(ref face, roll);
        return true;
    }

    private static void Keep(ref Face face, float roll)
    {
        face.HasMesh = true;
        face.Roll = roll;
        face.HasRoll = true;
        HeadPose pose = HeadPose.From(face.Mesh);
        (face.Yaw, face.Pitch, face.HasPose) = (pose.Yaw, pose.Pitch, true);
    }

    private float? Nearest(in BoxF box)
    {
        float cx = (box.Left + box.Right) / 2, cy = (box.Top + box.Bottom) / 2, size = MathF.Max(box.Width, box.Height);
        float? best = null;
        float bestDistance = float.MaxValue;
        for (int i = 0; i < _previousCount; i++)
        {
            (PointF c, float s, float roll) = _previous[i];
            float d = ((c.X - cx) * (c.X - cx)) + ((c.Y - cy) * (c.Y - cy));
            if (d < bestDistance && MathF.Sqrt(d) < 0.5f * MathF.Max(s, size))
            {
                (best, bestDistance) = (roll, d);
            }
        }

        return best;
    }

    public void Dispose()
    {
        mesh.Dispose();
        fallback.Dispose();
    }
}
