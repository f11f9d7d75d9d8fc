using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Aisp.Core;
using OpenCvSharp;
using CvMat = OpenCvSharp.Mat;

namespace Aisp.Cli.Media;

/// <summary>
/// Encodes frames with the ffmpeg program: raw BGR pictures through its standard input, H.264
/// (VP9 for .webm) out, at the input's exact frame rate, with the input's sound copied in beside
/// them (<see cref="SoundTrack"/>). A picture is copied into one reused buffer, never allocated per
/// frame. ffmpeg's own error (a full disk, a codec it lacks) is the run's error.
/// </summary>
public sealed class FfmpegVideoWriter : IDisposable
{
    private readonly Process _process;
    private readonly Stream _pictures;
    private readonly Task<string> _errors;
    private readonly string _displayOutput;
    private readonly byte[] _buffer;
    private bool _finished;

    public FfmpegVideoWriter(string ffmpeg, string output, string displayOutput, Size size, string frameRate, string input, MediaInfo media)
    {
        _displayOutput = displayOutput;
        Size = size;
        _buffer = new byte[size.Width * size.Height * 3];
        var info = new ProcessStartInfo(ffmpeg) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        List<string> args =
        [
            "-hide_banner", "-nostats", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{size.Width}x{size.Height}", "-framerate", frameRate, "-i", "pipe:0",
        ];
        if (media.AudioCodec is not null)
        {
            args.AddRange(["-i", "file:" + input]);
        }

        args.AddRange(["-map", "0:v:0", .. SoundTrack.Arguments(media, output), .. VideoCodec(output), "file:" + output]);
        args.ForEach(info.ArgumentList.Add);
        _process = Process.Start(info) ?? throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {displayOutput}: ffmpeg did not start");
        _process.StandardOutput.Close();
        _errors = _process.StandardError.ReadToEndAsync();
        _pictures = _process.StandardInput.BaseStream;
    }

    /// <summary>The containers written through ffmpeg (the AVI is written by <see cref="MjpegAviWriter"/>).</summary>
    public static readonly string[] Containers = [".mp4", ".mkv", ".mov", ".m4v", ".webm"];

    /// <summary>The pictures' size (even, as 4:2:0 video needs): larger frames are cropped by a pixel.</summary>
    public Size Size { get; }

    /// <summary>The frame rate ffmpeg is told: the input's exact one when ffprobe knew it, else OpenCV's.</summary>
    public static string Rate(MediaInfo media, double fps) => media.FrameRate ?? fps.ToString("0.###", CultureInfo.InvariantCulture);

    public void Write(CvMat frame)
    {
        int rowBytes = Size.Width * 3;
        for (int y = 0; y < Size.Height; y++)
        {
            Marshal.Copy(frame.Ptr(y), _buffer, y * rowBytes, rowBytes);
        }

        try
        {
            _pictures.Write(_buffer);
        }
        catch (IOException)
        {
            throw Failed(); // ffmpeg stopped (its reason is on its standard error)
        }
    }

    /// <summary>Ends the stream and waits for ffmpeg to finish the file; throws its error.</summary>
    public void Finish()
    {
        _finished = true;
        try
        {
            _pictures.Close();
        }
        catch (IOException)
        {
            // it stopped already: its exit code says why
        }

        _process.WaitForExit();
        if (_process.ExitCode != 0)
        {
            throw Failed();
        }
    }

    private AispException Failed()
    {
        _process.WaitForExit();
        string why = MediaProbe.LastLine(_errors.Result);
        return new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {_displayOutput}: ffmpeg could not write the video ({(why.Length > 0 ? why : $"exit code {_process.ExitCode}")})");
    }

    private static string[] VideoCodec(string output) => Path.GetExtension(output).ToLowerInvariant() switch
    {
        ".webm" => ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-crf", "30", "-b:v", "0", "-pix_fmt", "yuv420p"],
        ".mkv" => ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"],
        _ => ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart"], // mp4, mov: playable while it downloads
    };

    public void Dispose()
    {
        if (!_finished && !_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
