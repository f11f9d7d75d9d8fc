using Aisp.Core.Detection;

namespace Aisp.Core.Landmarks;

/// <summary>
/// The iBUG 68-point layout read off the 468-point mesh: for each of the 68 points the mesh vertex
/// that marks the same place (jaw line on the face oval, brows, nose bridge and base, eye corners and
/// lids, outer and inner lips). What the swap engines, the ArcFace alignment and the tests are defined
/// on keeps working on mesh landmarks, which hold at any roll. FaceMeshTests checks it against the
/// 68-point model on real photos.
/// </summary>
public static class MeshTo68
{
    private static readonly int[] Vertex =
    [
        // jaw, from the subject's right ear along the chin to the left (0-16)
        127, 234, 93, 132, 58, 172, 136, 149, 152, 378, 365, 397, 288, 361, 323, 454, 356,
        // right brow (17-21), left brow (22-26)
        70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
        // nose bridge (27-30), nose base (31-35)
        168, 197, 5, 4, 98, 97, 2, 326, 327,
        // right eye (36-41), left eye (42-47): outer corner, upper lid, inner corner, lower lid
        33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
        // outer lips (48-59), inner lips (60-67)
        61, 40, 37, 0, 267, 270, 291, 321, 314, 17, 84, 91, 78, 81, 13, 311, 308, 402, 14, 178,
    ];

    public static void Fill(ReadOnlySpan<Point3> mesh, ref FaceLandmarks landmarks)
    {
        for (int i = 0; i < FaceLandmarks.Count; i++)
        {
            Point3 p = mesh[Vertex[i]];
            landmarks[i] = new PointF(p.X, p.Y);
        }
    }
}
