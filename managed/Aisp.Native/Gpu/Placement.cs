using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>Moves the origin to a region's corner for the draws between <see cref="Push"/> and <see cref="Pop"/>.</summary>
internal static unsafe class Placement
{
    public static void Push(float x, float y)
    {
        gs_matrix_push();
        gs_matrix_translate3f(x, y, 0);
    }

    public static void Pop() => gs_matrix_pop();
}
