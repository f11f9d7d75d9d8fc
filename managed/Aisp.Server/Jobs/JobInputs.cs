using Aisp.Core;
using Aisp.Core.IO;
using Aisp.Core.Settings;

namespace Aisp.Server.Jobs;

/// <summary>
/// Checks what a job submission names before anything is queued: the input's kind and the result's
/// format, a path inside the folders the server may read, and settings the core accepts (unknown keys
/// included), each refusal a sentence saying what to change.
/// </summary>
public static class JobInputs
{
    private static readonly string[] Pictures = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm"];
    private static readonly string[] Videos = [".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg"];

    public static bool IsPicture(string name) => Pictures.Contains(Path.GetExtension(name).ToLowerInvariant());

    public static bool IsKnown(string name) => IsPicture(name) || Videos.Contains(Path.GetExtension(name).ToLowerInvariant());

    /// <summary>The result's format: the one asked for, else a picture stays in its format (PNG for the rarer ones) and a video becomes MP4.</summary>
    public static string OutputFormat(string inputName, string? wanted)
    {
        if (!IsKnown(inputName))
        {
            throw new ArgumentException($"'{Path.GetFileName(inputName)}' is neither a picture ({string.Join(" ", Pictures)}) nor a video ({string.Join(" ", Videos)})");
        }

        bool picture = IsPicture(inputName);
        if (wanted is null)
        {
            string ext = Path.GetExtension(inputName).ToLowerInvariant();
            return picture ? ext is ".jpg" or ".jpeg" ? "jpg" : "png" : "mp4";
        }

        return (wanted, picture) switch
        {
            ("png" or "jpg", true) or ("mp4" or "avi", false) => wanted,
            ("png" or "jpg", false) => throw new ArgumentException($"output_format {wanted} would keep one frame of a video: use mp4 or avi"),
            ("mp4" or "avi", true) => throw new ArgumentException($"output_format {wanted} is a video, the input a picture: use png or jpg"),
            _ => throw new ArgumentException($"output_format {wanted} is not one of png, jpg (pictures), mp4, avi (videos)"),
        };
    }

    /// <summary>
    /// The settings as the core reads them: an object of known keys with valid values, whose files
    /// (pictures, models, packs) lie inside the folders the server may read (or are the server's own
    /// face library); returns the JSON text to pass on.
    /// </summary>
    public static string Settings(string? json, IReadOnlyList<string> roots, string faceLibrary)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "{}";
        }

        var defaults = new PipelineSettings();
        PipelineSettings asked;
        try
        {
            asked = SettingsParser.ParseStrict(json, defaults);
        }
        catch (AispException e)
        {
            throw new ArgumentException(e.Message);
        }

        return SettingPaths.Refusal(defaults, asked, roots, [faceLibrary]) is { } outside ? throw new UnauthorizedAccessException(outside) : json;
    }

    /// <summary>
    /// The real path of <paramref name="path"/> when it is a file inside one of the folders the server
    /// may read (symbolic links followed, so a link cannot lead out of them).
    /// </summary>
    public static string ReadablePath(string path, IReadOnlyList<string> roots)
    {
        if (!Path.IsPathFullyQualified(path))
        {
            throw new ArgumentException($"'{path}' is not an absolute path");
        }

        if (roots.Count == 0)
        {
            throw new UnauthorizedAccessException("this server reads no folders (start it with --jobs-read DIR); upload the file instead");
        }

        string real = RealPaths.Resolve(path);
        if (!File.Exists(real))
        {
            throw new FileNotFoundException($"{path}: no such file");
        }

        if (RealPaths.IsInside(real, roots))
        {
            return real;
        }

        throw new UnauthorizedAccessException($"{path} is outside the folders this server may read ({string.Join(", ", roots)})");
    }
}
