using System.Runtime.CompilerServices;

namespace Aisp.Core.Landmarks;

/// <summary>The 468 points of a face's mesh, held inline so faces stay plain values (no allocation per face).</summary>
[InlineArray(Count)]
public struct MeshPoints
{
    public const int Count = FaceMesh.Count;

    private Point3 _first;
}
