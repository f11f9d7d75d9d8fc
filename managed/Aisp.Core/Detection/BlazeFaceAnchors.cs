namespace Aisp.Core.Detection;

/// <summary>
/// SSD anchors of MediaPipe's BlazeFace detectors (front 128 and back 256 share the layout):
/// a 16x16 grid with 2 anchors per cell, then an 8x8 grid with 6, 896 in all, each a unit-size
/// anchor centred in its cell, ordered (iy * cells + ix) * anchorsPerCell + a.
/// </summary>
public static class BlazeFaceAnchors
{
    public const int Count = 896;
    public const int FirstLayerCount = 16 * 16 * 2;

    public static float[] CentresXy()
    {
        var centres = new float[Count * 2];
        int i = 0;
        foreach ((int cells, int perCell) in new[] { (16, 2), (8, 6) })
        {
            for (int iy = 0; iy < cells; iy++)
            {
                for (int ix = 0; ix < cells; ix++)
                {
                    for (int a = 0; a < perCell; a++)
                    {
                        centres[i++] = (ix + 0.5f) / cells;
                        centres[i++] = (iy + 0.5f) / cells;
                    }
                }
            }
        }

        return centres;
    }
}
