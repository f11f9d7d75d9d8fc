namespace Aisp.Core.Effects;

/// <summary>
/// The named face points effect packs anchor pictures to, as vertices of MediaPipe's 468-point
/// mesh. "Right" and "left" are the person's own (the right eye is on the image's left when they
/// face the camera).
/// </summary>
public static class FaceAnchors
{
    private static readonly Dictionary<string, int> Table = new(StringComparer.Ordinal)
    {
        ["right_eye_outer"] = 33,
        ["right_eye_inner"] = 133,
        ["left_eye_inner"] = 362,
        ["left_eye_outer"] = 263,
        ["nose_bridge"] = 168,
        ["nose_tip"] = 1,
        ["forehead"] = 10,
        ["brows_centre"] = 9,
        ["right_temple"] = 127,
        ["left_temple"] = 356,
        ["right_cheek"] = 50,
        ["left_cheek"] = 280,
        ["upper_lip"] = 0,
        ["lower_lip"] = 17,
        ["mouth_right"] = 61,
        ["mouth_left"] = 291,
        ["chin"] = 152,
        ["right_jaw"] = 172,
        ["left_jaw"] = 397,
    };

    public static IEnumerable<string> Names => Table.Keys;

    public static bool TryGet(string name, out int vertex) => Table.TryGetValue(name, out vertex);
}
