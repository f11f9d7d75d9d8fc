using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Aisp.Cli.Media;

/// <summary>What a video file holds beside its pictures, as ffprobe reads it: its exact frame rate and its first sound track's codec.</summary>
public sealed record MediaInfo(string? FrameRate, string? AudioCodec);

/// <summary>
/// Finds the ffmpeg programs (AISP_FFMPEG, else PATH) and asks ffprobe about a file. Videos are
/// written through ffmpeg as FaceFusion does, through pipes: its codecs (H.264, which every
/// browser plays) and its muxers (the sound copied untouched) without binding its libraries.
/// </summary>
public static class MediaProbe
{
    public const string Variable = "AISP_FFMPEG";

    /// <summary>The ffmpeg program, or null when none is installed (videos then fall back to OpenCV's writer, without sound).</summary>
    public static string? Ffmpeg() => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set ? (File.Exists(set) ? set : null) : OnPath("ffmpeg");

    /// <summary>ffprobe beside ffmpeg.</summary>
    public static string? Ffprobe() =>
        Ffmpeg() is { } ffmpeg && File.Exists(Path.Combine(Path.GetDirectoryName(ffmpeg)!, "ffprobe")) ? Path.Combine(Path.GetDirectoryName(ffmpeg)!, "ffprobe") : null;

    /// <summary>The frame rate and sound of <paramref name="path"/>; nothing known when ffprobe is missing or cannot read it.</summary>
    public static MediaInfo Probe(string path)
    {
        if (Ffprobe() is not { } ffprobe)
        {
            return new MediaInfo(null, null);
        }

        (int code, string output, _) = Run(ffprobe, ["-v", "error", "-show_entries", "stream=codec_type,codec_name,r_frame_rate", "-of", "json", "--", path]);
        if (code != 0)
        {
            return new MediaInfo(null, null);
        }

        try
        {
            using JsonDocument json = JsonDocument.Parse(output);
            string? rate = null, audio = null;
            foreach (JsonElement stream in json.RootElement.GetProperty("streams").EnumerateArray())
            {
                string? type = stream.TryGetProperty("codec_type", out JsonElement t) ? t.GetString() : null;
                if (type == "video" && rate is null && stream.TryGetProperty("r_frame_rate", out JsonElement r) && IsRate(r.GetString()))
                {
                    rate = r.GetString();
                }
                else if (type == "audio" && audio is null && stream.TryGetProperty("codec_name", out JsonElement c))
                {
                    audio = c.GetString();
                }
            }

            return new MediaInfo(rate, audio);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new MediaInfo(null, null);
        }
    }

    /// <summary>Runs a program to its end; its exit code, standard output and the last line it wrote to standard error.</summary>
    public static (int Code, string Output, string LastError) Run(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process process = Process.Start(info)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, LastLine(errors.Result));
    }

    public static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    /// <summary>"30000/1001" or "25/1" with a positive rate (ffprobe says "0/0" when it does not know).</summary>
    private static bool IsRate(string? rate) =>
        rate?.Split('/') is [var n, var d] && long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out long num) && num > 0
        && long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long den) && den > 0;

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
