
namespace Aisp.Tests;

/// <summary>Videos with sound for the tests, made with the ffmpeg program from the astronaut photo moving across a frame and a tone.</summary>
internal static class SoundClips
{
    /// <summary>An H.264 MP4 (30000/1001 fps, the rate of NTSC cameras) of <paramref name="frames"/> frames with an AAC tone as long.</summary>
    public static string Make(string folder, string name, int frames)
    {
        string pictures = TestAssets.WriteAstronautClip(Path.Combine(folder, $"{name}.pictures.avi"), frames);
        string clip = Path.Combine(folder, name);
        Ffmpeg("-y", "-i", pictures, "-f", "lavfi", "-i", $"sine=frequency=440:duration={frames / 29.97:0.###}", "-map", "0:v", "-map", "1:a",
            "-r", "30000/1001", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", clip);
        File.Delete(pictures);
        return clip;
    }

    /// <summary>The first sound track decoded to 16-bit samples (what a player hears), or empty when there is none.</summary>
    public static byte[] Sound(string video)
    {
        string raw = Path.Combine(Path.GetTempPath(), $"aisp-sound-{Guid.NewGuid():N}.raw");
        try
        {
            Ffmpeg("-y", "-i", video, "-map", "0:a:0?", "-f", "s16le", "-ac", "1", "-ar", "48000", raw);
            return File.Exists(raw) ? File.ReadAllBytes(raw) : [];
        }
        finally
        {
            File.Delete(raw);
        }
    }

    /// <summary>"codec_name,codec_type,r_frame_rate" per stream, as ffprobe reads the file.</summary>
    public static string[] Streams(string video) =>
        Run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,r_frame_rate", "-of", "csv=p=0", video)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void Ffmpeg(params string[] args) => Run("ffmpeg", ["-hide_banner", "-loglevel", "error", .. args]);

    private static string Run(string program, params string[] args)
    {
        (int code, string output, string error) = Aisp.Cli.Media.MediaProbe.Run(program, args);
        Assert.True(code == 0, $"{program} {string.Join(' ', args)}: {error}");
        return output;
    }
}
