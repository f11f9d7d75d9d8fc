namespace Aisp.Core.Landmarks;

/// <summary>
/// Head pose from the 468-point mesh's 3D points (x, y in frame pixels, z depth on the same scale):
/// the face's own axes from its eye line (outer corners) and its midline (forehead to chin), made
/// orthonormal. Yaw: the turn about the face's vertical axis, positive when the subject's left eye
/// (the one on the image's right) is farther from the camera than the right; pitch: the nod about its
/// horizontal axis, positive when the chin is farther than the forehead (head tilted back); roll: the
/// eye line's angle in the image. Degrees. Both are measured in the face's own frame, so turning the
/// picture changes the roll only.
/// </summary>
public readonly record struct HeadPose(float Yaw, float Pitch, float Roll)
{
    private const int Forehead = 10, Chin = 152;

    public static HeadPose From(ReadOnlySpan<Point3> mesh)
    {
        Point3 r = mesh[FaceMesh.RightEyeOuter], l = mesh[FaceMesh.LeftEyeOuter], top = mesh[Forehead], chin = mesh[Chin];
        (float X, float Y, float Z) x = Normalise(l.X - r.X, l.Y - r.Y, l.Z - r.Z);
        (float X, float Y, float Z) down = (chin.X - top.X, chin.Y - top.Y, chin.Z - top.Z);
        float along = (down.X * x.X) + (down.Y * x.Y) + (down.Z * x.Z);
        (float X, float Y, float Z) y = Normalise(down.X - (along * x.X), down.Y - (along * x.Y), down.Z - (along * x.Z));

        // In the face's frame: the eye line's depth against its in-image length is the yaw, the
        // midline's depth against its in-image length the pitch.
        float yaw = MathF.Atan2(x.Z, MathF.Sqrt((x.X * x.X) + (x.Y * x.Y)));
        float pitch = MathF.Atan2(y.Z, MathF.Sqrt((y.X * y.X) + (y.Y * y.Y)));
        float roll = MathF.Atan2(x.Y, x.X);
        const float Degrees = 180 / MathF.PI;
        return new HeadPose(yaw * Degrees, pitch * Degrees, roll * Degrees);
    }

    private static (float X, float Y, float Z) Normalise(float x, float y, float z)
    {
        float n = MathF.Sqrt((x * x) + (y * y) + (z * z));
        return n < 1e-6f ? (1, 0, 0) : (x / n, y / n, z / n);
    }
}
