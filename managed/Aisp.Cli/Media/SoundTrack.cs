namespace Aisp.Cli.Media;

/// <summary>
/// How the input's sound goes into an output container: copied untouched where the container
/// carries its codec, else re-encoded to the container's usual codec (the pictures change, the
/// sound never needs to).
/// </summary>
public static class SoundTrack
{
    private static readonly string[] Mp4Codecs = ["aac", "mp3", "alac", "ac3", "eac3", "opus", "flac"];
    private static readonly string[] AviCodecs = ["mp3", "ac3", "pcm_s16le", "pcm_u8"];
    private static readonly string[] WebmCodecs = ["opus", "vorbis"];

    /// <summary>ffmpeg's -c:a for <paramref name="codec"/> in the container of <paramref name="output"/>.</summary>
    public static string Encoder(string codec, string output) => Path.GetExtension(output).ToLowerInvariant() switch
    {
        ".mkv" => "copy",
        ".avi" => AviCodecs.Contains(codec) ? "copy" : "libmp3lame",
        ".webm" => WebmCodecs.Contains(codec) ? "copy" : "libopus",
        _ => Mp4Codecs.Contains(codec) ? "copy" : "aac",
    };

    /// <summary>The arguments that take the sound from input 1 ("-map 1:a:0 -c:a ..."), none when the input has none.</summary>
    public static IEnumerable<string> Arguments(MediaInfo input, string output) =>
        input.AudioCodec is { } codec ? ["-map", "1:a:0", "-c:a", Encoder(codec, output), "-shortest"] : [];
}
