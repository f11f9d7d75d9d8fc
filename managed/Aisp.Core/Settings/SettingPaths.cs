using Aisp.Core.IO;

namespace Aisp.Core.Settings;

/// <summary>
/// The settings that name files (pictures, models, libraries, packs) and the rule for changes that
/// arrive remotely (file jobs, the REST API, obs-websocket): a file named anew must lie inside a
/// folder the owner allows, so a remote user cannot have the filter read, render or leak any file
/// the process can read. Clearing a path, or sending back the one in effect, always passes.
/// </summary>
public static class SettingPaths
{
    /// <summary>The environment variable with the folders remote changes to the OBS filter may name (':'-separated, like PATH).</summary>
    public const string RemoteReadVariable = "AISP_REMOTE_READ";

    /// <summary>Every file or folder the settings name, with its key (each mapped picture of swap_identities too).</summary>
    public static IEnumerable<(string Key, string Path)> Of(PipelineSettings s)
    {
        yield return ("models_dir", s.ModelsDir);
        yield return ("source_image", s.SourceImage);
        yield return ("swap_model", s.SwapModel);
        yield return ("recognizer_model", s.RecognizerModel);
        yield return ("face_library", s.FaceLibrary);
        yield return ("background_image", s.BackgroundImage);
        yield return ("effect_pack_path", s.EffectPackPath);
        yield return ("effects_dir", s.EffectsDir);
        foreach (string picture in s.SwapIdentities.Values)
        {
            yield return ("swap_identities", picture);
        }
    }

    /// <summary>
    /// Why the change from <paramref name="before"/> to <paramref name="after"/> may not be made
    /// remotely, or null: the first path it names anew outside <paramref name="roots"/> and not one
    /// of <paramref name="allowedFiles"/>.
    /// </summary>
    public static string? Refusal(PipelineSettings before, PipelineSettings after, IReadOnlyList<string> roots, IReadOnlyCollection<string>? allowedFiles = null)
    {
        var kept = Of(before).ToHashSet();
        foreach ((string key, string path) in Of(after))
        {
            if (path.Length == 0 || kept.Contains((key, path)) || (allowedFiles?.Contains(path) ?? false) || RealPaths.IsInside(path, roots))
            {
                continue;
            }

            return roots.Count == 0
                ? $"'{key}' names a file ({path}), and remote changes may name none here: the owner allows folders with {RemoteReadVariable} (OBS) or --jobs-read (the server)"
                : $"'{key}' names {path}, outside the folders remote changes may read ({string.Join(", ", roots)})";
        }

        return null;
    }

    /// <summary>The folders named by <see cref="RemoteReadVariable"/> (absolute ones only).</summary>
    public static IReadOnlyList<string> RemoteRoots() =>
        (Environment.GetEnvironmentVariable(RemoteReadVariable) ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(Path.IsPathFullyQualified).ToArray();
}
