namespace Aisp.Core.Effects;

/// <summary>Outlines of face parts as mesh vertices, in order around each part: what retouch smooths and leaves sharp, and where tints go.</summary>
public static class FaceRegions
{
    public static readonly int[] OuterLips = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146];

    public static readonly int[] RightBrow = [70, 63, 105, 66, 107, 55, 65, 52, 53, 46];

    public static readonly int[] LeftBrow = [300, 293, 334, 296, 336, 285, 295, 282, 283, 276];

    /// <summary>Eye shadow: from the upper lid (outer to inner corner) up to the brow's lower edge (inner to outer).</summary>
    public static readonly int[] RightLid = [33, 246, 161, 160, 159, 158, 157, 173, 133, 55, 65, 52, 53, 46];

    public static readonly int[] LeftLid = [263, 466, 388, 387, 386, 385, 384, 398, 362, 285, 295, 282, 283, 276];
}
