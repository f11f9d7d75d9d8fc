using Aisp.Core.Frames;
using Aisp.Core.Landmarks;

namespace Aisp.Core.Detection;

/// <summary>
/// A detector whose finds are checked by the 468-point mesh: each box is cropped upright at the roll
/// its own eye keypoints show (or upright without keypoints) and kept only when the mesh model sees
/// a face there (presence logit above 0). BlazeFace scores cats' faces, cells and logos at 0.6-0.75,
/// which the default confidence lets through; the mesh puts them near -6 and real faces, turned and
/// partly hidden ones included, above +1 (docs/BENCHMARKS.md). UltraFace takes tigers', wolves' and
/// owls' faces for faces too (docs/QUALITY.md): its finds of at least <paramref name="minSide"/> px
/// are checked the same way; smaller ones, too small for the mesh to judge (a crowd's faces), are
/// kept on the detector's word. Allocates nothing per frame.
/// </summary>
public sealed class MeshVerifiedDetector(IFaceDetector inner, FaceMesh mesh, float minSide = 0) : IFaceDetector
{
    private readonly Point3[] _points = new Point3[FaceMesh.Count];
    private readonly List<Face> _found = new(16);

    public string Name => inner.Name;

    public (int Width, int Height) InputSize => inner.InputSize;

    /// <summary>The detector without the check: privacy's extra views check their finds themselves, in the frame at full resolution.</summary>
    public IFaceDetector Unverified => inner;

    /// <summary>The mesh that checks finds (privacy's extra views use it too).</summary>
    public FaceMesh Mesh => mesh;

    /// <summary>The roll a find's own eye keypoints show (0 without keypoints), radians.</summary>
    public static float KeypointRoll(in Face face) => face.HasKeypoints
        ? MathF.Atan2(face.Keypoints[FaceKeypoints.RightEye].Y - face.Keypoints[FaceKeypoints.LeftEye].Y, face.Keypoints[FaceKeypoints.RightEye].X - face.Keypoints[FaceKeypoints.LeftEye].X)
        : 0;

    public string ExecutionProvider => inner.ExecutionProvider;

    public void Detect(in Frame frame, float minScore, List<Face> faces)
    {
        _found.Clear();
        faces.Clear();
        inner.Detect(frame, minScore, _found);
        foreach (Face face in _found)
        {
            float roll = KeypointRoll(face);
            if (MathF.Min(face.Box.Width, face.Box.Height) < minSide || mesh.Run(frame, face.Box, roll, _points) > 0)
            {
                faces.Add(face);
            }
        }
    }

    public void Dispose()
    {
        inner.Dispose();
        mesh.Dispose();
    }
}
