using System.Text.Json;

namespace Aisp.Core.Effects;

/// <summary>How a layer follows the head: in the picture plane, turned with the eye line ("roll"), or in 3D with the mesh's yaw and pitch and a perspective ("full").</summary>
public enum LayerPose
{
    Roll,
    Full,
}

/// <summary>
/// What of a layer the head hides: nothing ("none": ears above the head), everything outside the
/// face's outline ("face": a mask, face paint), or only what lies beyond the outline on the side
/// the head turns away from ("far_side": glasses, whose near arm may stick out but whose far lens
/// must not float beside a turned head).
/// </summary>
public enum LayerClip
{
    None,
    Face,
    FarSide,
}

/// <summary>One picture of a pack, anchored to the face (see README: "Writing an effect pack").</summary>
public sealed record EffectLayer(string Picture, float[] Rgba, int Width, int Height, int[] Anchors, float Size, float OffsetX, float OffsetY,
    float PivotX, float PivotY, LayerPose Pose, float Opacity, LayerClip Clip = LayerClip.None, int SpanFrom = -1, int SpanTo = -1, float SpanScale = 1)
{
    /// <summary>Whether the picture's height follows the distance between two face points (a mask stretching as the mouth opens) rather than its width.</summary>
    public bool Spans => SpanFrom >= 0;
}

/// <summary>
/// An effect pack: a folder with pack.json and its PNG pictures. Loaded once, when the settings
/// choose it; anything wrong (bad JSON, a missing or unreadable picture, an unknown anchor, a size
/// out of range) is an <see cref="InvalidDataException"/> whose message names the file and the
/// field, which the AR engine shows as its status while it draws no overlay.
/// </summary>
public sealed class EffectPack
{
    public const string FileName = "pack.json";

    private EffectPack(string name, string folder, EffectLayer[] layers) => (Name, Folder, Layers) = (name, folder, layers);

    public string Name { get; }

    public string Folder { get; }

    /// <summary>The layers, drawn in this order (an array: the analysis thread walks it without allocating).</summary>
    public EffectLayer[] Layers { get; }

    /// <summary>pack.json is a few hundred bytes; a megabyte is room for any pack.</summary>
    public const long MaxPackJsonBytes = 1 << 20;

    /// <summary>A layer's PNG: 32 MiB (a 4096x4096 picture, more than a face needs).</summary>
    public const long MaxPictureBytes = 32L << 20;

    /// <summary>
    /// A pack's file, read only when it is a regular file within its cap: a FIFO named pack.json or a
    /// link to /dev/zero as a picture must not hang the filter's worker or fill its memory.
    /// </summary>
    private static byte[] ReadFile(string path, string what, long maxBytes)
    {
        try
        {
            return IO.UserFile.ReadAll(path, what, maxBytes, ErrorKind.InvalidSettings);
        }
        catch (AispException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    public static EffectPack Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} is missing");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(ReadFile(path, "effect pack file", MaxPackJsonBytes));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}");
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("layers", out JsonElement layers) || layers.ValueKind != JsonValueKind.Array || layers.GetArrayLength() == 0)
            {
                throw new InvalidDataException($"{path}: needs an object with a non-empty \"layers\" array");
            }

            string name = root.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : Path.GetFileName(folder);
            var list = new List<EffectLayer>();
            int index = 0;
            foreach (JsonElement layer in layers.EnumerateArray())
            {
                list.Add(Layer(folder, $"{path}: layers[{index++}]", layer));
            }

            return new EffectPack(name, folder, [.. list]);
        }
    }

    private static EffectLayer Layer(string folder, string where, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where} must be an object");
        }

        string picture = e.TryGetProperty("picture", out JsonElement p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : throw new InvalidDataException($"{where}: \"picture\" (a PNG file name) is required");
        if (picture.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(picture))
        {
            throw new InvalidDataException($"{where}: \"picture\" must name a file inside the pack's folder");
        }

        string file = Path.Combine(folder, picture);
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"{where}: picture {file} is missing");
        }

        byte[] png = ReadFile(file, $"{where}: picture", MaxPictureBytes);
        float[] rgba;
        int w, h;
        try
        {
            rgba = PngReader.Read(png, out w, out h);
        }
        catch (InvalidDataException x)
        {
            throw new InvalidDataException($"{where}: picture {file}: {x.Message}");
        }

        if (!e.TryGetProperty("anchors", out JsonElement a) || a.ValueKind != JsonValueKind.Array || a.GetArrayLength() is < 1 or > 8)
        {
            throw new InvalidDataException($"{where}: \"anchors\" must list 1 to 8 of: {string.Join(", ", FaceAnchors.Names)}");
        }

        int[] anchors = a.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String && FaceAnchors.TryGet(x.GetString()!, out int v)
            ? v
            : throw new InvalidDataException($"{where}: anchor {x} is unknown; anchors are {string.Join(", ", FaceAnchors.Names)}")).ToArray();
        float size = Number(e, "width", where, 0.05f, 10, 1);
        (float ox, float oy) = Pair(e, "offset", where, -5, 5, 0, 0);
        (float px, float py) = Pair(e, "pivot", where, -1, 2, 0.5f, 0.5f);
        LayerPose pose = !e.TryGetProperty("pose", out JsonElement po) ? LayerPose.Full
            : po.ValueKind == JsonValueKind.String && po.GetString() is "full" ? LayerPose.Full
            : po.ValueKind == JsonValueKind.String && po.GetString() is "roll" ? LayerPose.Roll
            : throw new InvalidDataException($"{where}: \"pose\" must be \"roll\" or \"full\"");
        float opacity = Number(e, "opacity", where, 0, 1, 1);
        LayerClip clip = !e.TryGetProperty("clip", out JsonElement cl) ? LayerClip.None
            : cl.ValueKind == JsonValueKind.String && cl.GetString() is "none" ? LayerClip.None
            : cl.ValueKind == JsonValueKind.String && cl.GetString() is "face" ? LayerClip.Face
            : cl.ValueKind == JsonValueKind.String && cl.GetString() is "far_side" ? LayerClip.FarSide
            : throw new InvalidDataException($"{where}: \"clip\" must be \"none\", \"face\" or \"far_side\"");
        (int spanFrom, int spanTo) = (-1, -1);
        if (e.TryGetProperty("span", out JsonElement sp))
        {
            int[] two = sp.ValueKind == JsonValueKind.Array && sp.GetArrayLength() == 2
                ? sp.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String && FaceAnchors.TryGet(x.GetString()!, out int v) ? v : -1).ToArray()
                : [-1, -1];
            if (two[0] < 0 || two[1] < 0 || two[0] == two[1])
            {
                throw new InvalidDataException($"{where}: \"span\" must name two different anchors: {string.Join(", ", FaceAnchors.Names)}");
            }

            (spanFrom, spanTo) = (two[0], two[1]);
        }

        float spanScale = Number(e, "span_scale", where, 0.1f, 5, 1);
        return new EffectLayer(picture, rgba, w, h, anchors, size, ox, oy, px, py, pose, opacity, clip, spanFrom, spanTo, spanScale);
    }

    private static float Number(JsonElement e, string key, string where, float min, float max, float fallback)
    {
        if (!e.TryGetProperty(key, out JsonElement v))
        {
            return fallback;
        }

        return v.ValueKind == JsonValueKind.Number && v.GetDouble() is var d && d >= min && d <= max
            ? (float)d
            : throw new InvalidDataException($"{where}: \"{key}\" must be a number from {min} to {max}");
    }

    private static (float X, float Y) Pair(JsonElement e, string key, string where, float min, float max, float fx, float fy)
    {
        if (!e.TryGetProperty(key, out JsonElement v))
        {
            return (fx, fy);
        }

        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2 || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number || x.GetDouble() < min || x.GetDouble() > max))
        {
            throw new InvalidDataException($"{where}: \"{key}\" must be two numbers from {min} to {max}");
        }

        return ((float)v[0].GetDouble(), (float)v[1].GetDouble());
    }
}
