using Aisp.Core;
using Aisp.Core.Frames;

namespace Aisp.Cli;

/// <summary>Command line of "aisp process": what to read, what to write, which settings.</summary>
public sealed record CliOptions(string Input, string Output, string? SettingsJson, PixelFormat Format, string? StatsPath, int MaxFrames, string? SourceImage, string? ComparePath, bool Progress = false)
{
    public const string Usage = """
        usage: aisp process --input FILE --output FILE [options]
          --input FILE        image (png, jpg, bmp...) or video (mp4, avi, mkv...)
          --output FILE       where the filtered image or video goes (format from the extension)
          --settings JSON     settings object, e.g. '{"privacy_mode":"blur"}'; @FILE reads it from a file
          --format NAME       pixel format the core works on: bgra (default), bgrx, rgba, nv12, i420
          --stats FILE        also write the statistics JSON to FILE (always printed on stdout)
          --max-frames N      stop a video after N frames
          --source FILE       source face picture for the swap engines (same as the source_image setting)
          --compare FILE      also write before|after side by side (the first frame of a video)
          --progress          print "aisp: progress DONE/TOTAL" lines on stderr (models loaded, then
                              every 200 ms and at the end; TOTAL is 0 when a video does not say)
        Settings keys: engine (privacy|morph|inswapper|ar|landmarks|none),
          detector (ultraface|blazeface-back), confidence (0.05-0.99),
          privacy_mode (pixelate|blur), privacy_strength (1-100), privacy_padding (0-1),
          source_image, keep_expression, landmarks (mesh|68), stabilize, smoothing (0-1), swap_model, recognizer_model,
          swap_preset (deep-live-cam|facefusion|roop), models_dir,
          execution_provider (auto|cpu|cuda|directml|coreml), threads, face_library, privacy_rule,
          privacy_identities, swap_identities ({"name":"picture"}), swap_unknown (default|leave),
          background (none|blur|replace|transparent), background_blur (1-100), background_image,
          background_model (landscape|general).
        Other commands: aisp faces ... (the face library), aisp serve ... (the AISP server),
          aisp suggest "INSTRUCTION" ... (the assistant: plain language to settings).
          aisp --version | aisp version --json (version, commit, ABI, ONNX Runtime and its providers).
        Exit codes: 0 ok, 2 bad usage or settings, 3 unreadable input, 4 model error, 5 unwritable output, 6 processing error, 7 face library.
        """;

    public static CliOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "process")
        {
            throw new AispException(ErrorKind.InvalidArgument, "commands: process, faces, serve, suggest");
        }

        string? input = null, output = null, settings = null, stats = null, source = null, compare = null;
        PixelFormat format = PixelFormat.Bgra;
        int maxFrames = int.MaxValue;
        bool progress = false;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--progress")
            {
                progress = true;
                continue;
            }

            string value = i + 1 < args.Length ? args[i + 1] : throw new AispException(ErrorKind.InvalidArgument, $"{args[i]} needs a value");
            switch (args[i])
            {
                case "--input": input = value; break;
                case "--output": output = value; break;
                case "--settings": settings = value.StartsWith('@') ? ReadSettingsFile(value[1..]) : value; break;
                case "--format": format = FrameBuffers.ParseFormat(value); break;
                case "--stats": stats = value; break;
                case "--source": source = value; break;
                case "--compare": compare = value; break;
                case "--max-frames":
                    maxFrames = int.TryParse(value, out int n) && n > 0 ? n : throw new AispException(ErrorKind.InvalidArgument, "--max-frames needs a positive integer");
                    break;
                default: throw new AispException(ErrorKind.InvalidArgument, $"unknown option {args[i]}");
            }

            i++;
        }

        if (settings is not null)
        {
            // The CLI is strict as OBS and the server are: a misspelt key is a usage error, not a silent default.
            Aisp.Core.Settings.SettingsParser.ParseStrict(settings, new Aisp.Core.Settings.PipelineSettings());
        }

        return new CliOptions(
            input ?? throw new AispException(ErrorKind.InvalidArgument, "--input is required"),
            output ?? throw new AispException(ErrorKind.InvalidArgument, "--output is required"),
            settings, format, stats, maxFrames, source, compare, progress);
    }

    /// <summary>A settings file: a regular file of at most 1 MiB, so a FIFO or /dev/zero can neither hang the CLI nor fill its memory.</summary>
    private static string ReadSettingsFile(string path) =>
        System.Text.Encoding.UTF8.GetString(Aisp.Core.IO.UserFile.ReadAll(path, "settings file", 1 << 20, ErrorKind.InvalidSettings));
}
