using Aisp.Core;

namespace Aisp.Cli.Media;

/// <summary>
/// Puts the input's sound into a video written without it (the Motion-JPEG AVI, laid down by our
/// own writer for speed): one pass of ffmpeg that copies the pictures as they are.
/// </summary>
public static class SoundMux
{
    public static void AddTo(string ffmpeg, string video, string displayOutput, string input, MediaInfo media)
    {
        if (media.AudioCodec is null)
        {
            return;
        }

        string withSound = Path.Combine(Path.GetDirectoryName(video)!, $".sound-{Path.GetFileName(video).TrimStart('.')}");
        try
        {
            (int code, _, string why) = MediaProbe.Run(ffmpeg,
                ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-i", "file:" + video, "-i", "file:" + input, "-map", "0:v:0", "-c:v", "copy",
                 .. SoundTrack.Arguments(media, video), "file:" + withSound]);
            if (code != 0)
            {
                throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {displayOutput}: ffmpeg could not add the sound ({why})");
            }

            File.Move(withSound, video, overwrite: true);
        }
        finally
        {
            File.Delete(withSound);
        }
    }
}
