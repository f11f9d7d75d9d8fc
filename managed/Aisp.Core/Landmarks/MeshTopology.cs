namespace Aisp.Core.Landmarks;

/// <summary>
/// What the 468 mesh vertices are: which vertex mirrors which across the face's midline, and the
/// closed contours of the inner lips, the eyes and the face oval (MediaPipe's FACEMESH_LIPS,
/// _LEFT_EYE, _RIGHT_EYE and _FACE_OVAL). The mesh is symmetric by construction: 28 vertices lie
/// on the midline and every other vertex below 248 pairs, in order, with 248..467 (derived by running
/// the mesh on real photos and their mirror images; FaceSwapMeshTests checks it the same way).
/// </summary>
public static class MeshTopology
{
    private static readonly int[] Midline = [0, 1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 94, 151, 152, 164, 168, 175, 195, 197, 199, 200];

    /// <summary>The inner lip line, around the mouth opening.</summary>
    public static readonly int[] InnerLips = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95];

    /// <summary>The subject's right eye (left in the picture), lid line.</summary>
    public static readonly int[] RightEye = [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7];

    /// <summary>The subject's left eye, lid line.</summary>
    public static readonly int[] LeftEye = [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249];

    /// <summary>The face's outline, forehead to chin and back.</summary>
    public static readonly int[] Oval = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109];

    private static readonly int[] MirrorOf = BuildMirror();

    /// <summary>The vertex at the mirror place of <paramref name="vertex"/> (itself on the midline).</summary>
    public static int Mirror(int vertex) => MirrorOf[vertex];

    private static int[] BuildMirror()
    {
        var mirror = new int[FaceMesh.Count];
        int right = 248;
        for (int v = 0; v < 248; v++)
        {
            if (Array.IndexOf(Midline, v) >= 0)
            {
                mirror[v] = v;
                continue;
            }

            mirror[v] = right;
            mirror[right++] = v;
        }

        return mirror;
    }
}
