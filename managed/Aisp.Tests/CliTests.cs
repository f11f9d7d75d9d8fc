using System.Diagnostics;
using System.Text.Json;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>The headless CLI as QA runs it: a real process, real files, exit codes and the statistics JSON.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-cli-").FullName;

    [Fact]
    public void Every_exit_code_the_usage_names_has_one_meaning_the_server_reports_for_jobs()
    {
        System.Text.RegularExpressions.MatchCollection codes = System.Text.RegularExpressions.Regex.Matches(
            Aisp.Cli.CliOptions.Usage[Aisp.Cli.CliOptions.Usage.IndexOf("Exit codes:", StringComparison.Ordinal)..], @"(\d+) ([a-z][a-z ]+)");
        Assert.True(codes.Count >= 7, Aisp.Cli.CliOptions.Usage);
        foreach (System.Text.RegularExpressions.Match m in codes)
        {
            int code = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            string meaning = Aisp.Core.ExitCodes.Meaning(code);
            Assert.NotEqual("worker failure", meaning);
            Assert.StartsWith(m.Groups[2].Value.Split(' ')[0], meaning, StringComparison.Ordinal); // "3 unreadable input" / "unreadable input"
        }
    }

    [Fact]
    public void An_image_is_filtered_and_the_statistics_are_printed_as_JSON()
    {
        string output = Path.Combine(_dir, "out.png"), stats = Path.Combine(_dir, "stats.json"), compare = Path.Combine(_dir, "cmp.jpg");
        (int code, string stdout, string stderr) = Run("--input", TestAssets.Astronaut, "--output", output, "--stats", stats, "--compare", compare);
        Assert.True(code == 0, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(1, json.RootElement.GetProperty("faces").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("frames_processed").GetInt32());
        Assert.InRange(json.RootElement.GetProperty("analysis_share").GetDouble(), 0.0005, 1); // the one analysis, over the two-second window
        Assert.True(json.RootElement.GetProperty("stages").GetProperty("detect").GetProperty("p50_ms").GetDouble() > 0);
        Assert.Equal("privacy", json.RootElement.GetProperty("engine").GetString());
        Assert.Equal(stdout.Trim(), File.ReadAllText(stats).Trim());
        using Mat result = Cv2.ImRead(output), original = TestAssets.Load(TestAssets.Astronaut), pair = Cv2.ImRead(compare);
        Assert.Equal(original.Size(), result.Size());
        Assert.Equal(original.Width * 2, pair.Width);
        using Mat diff = new();
        Cv2.Absdiff(original, result, diff);
        Assert.True(Cv2.Mean(diff[new Rect(180, 80, 80, 90)]).Val0 > 5, "the face was not pixelated");
        Assert.Equal(0, Cv2.CountNonZero(diff[new Rect(0, 350, 512, 162)].CvtColor(ColorConversionCodes.BGR2GRAY)));
    }

    [Fact]
    public void A_video_is_processed_frame_by_frame_with_a_source_face()
    {
        string input = Path.Combine(_dir, "in.avi"), output = Path.Combine(_dir, "out.avi");
        using (Mat photo = TestAssets.Load(TestAssets.Astronaut))
        using (var writer = new VideoWriter(input, FourCC.MJPG, 30, new Size(512, 512)))
        {
            for (int i = 0; i < 12; i++)
            {
                writer.Write(photo);
            }
        }

        (int code, string stdout, string stderr) = Run("--input", input, "--output", output, "--source", TestAssets.GraceHopper, "--settings", "{\"engine\":\"morph\"}");
        Assert.True(code == 0, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(12, json.RootElement.GetProperty("frames_in").GetInt32());
        Assert.Equal("morph", json.RootElement.GetProperty("engine").GetString());
        Assert.Equal("", json.RootElement.GetProperty("notice").GetString());
        using var capture = new VideoCapture(output);
        Assert.Equal(12, capture.FrameCount);
        Assert.Equal(30, capture.Fps, 3);

        // Every frame of our own AVI writer decodes, and shows the swap: the face changed, the rest
        // only by JPEG re-encoding noise.
        using var source = new VideoCapture(input);
        using Mat before = new(), after = new(), diff = new();
        int read = 0;
        while (source.Read(before) && capture.Read(after) && !after.Empty())
        {
            read++;
            Assert.Equal(before.Size(), after.Size());
            Cv2.Absdiff(before, after, diff);
            Assert.True(Cv2.Mean(diff[new Rect(190, 100, 60, 70)]).Val0 > 10, $"frame {read}: the face did not change");
            Assert.True(Cv2.Mean(diff[new Rect(0, 350, 512, 162)]).Val0 < 3, $"frame {read}: the picture changed away from the face");
        }

        Assert.Equal(12, read);

        // A video written to a path no encoder takes: a clear error, not a hang.
        (int bad, _, string badErr) = Run("--input", input, "--output", Path.Combine(_dir, "out.xyz"));
        Assert.Equal(5, bad);
        Assert.Contains("no video writer", badErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing", 3, "no such file")]
    [InlineData("not-an-image", 3, "not a readable image")]
    [InlineData("bad-settings", 2, "'privacy_mode' is 'smudge'")]
    [InlineData("bad-json", 2, "not valid JSON")]
    [InlineData("no-output-folder", 5, "does not exist")]
    [InlineData("no-face-source", 3, "has no face")]
    [InlineData("bad-models", 4, "no model manifest")]
    [InlineData("unknown-option", 2, "unknown option --frobnicate")]
    [InlineData("input-is-a-directory", 3, "is a directory, not a file")]
    [InlineData("truncated-jpeg", 3, "JPEG is truncated")]
    [InlineData("truncated-jpeg-source", 3, "source face")]
    [InlineData("output-under-a-file", 5, "is a file, not a folder")]
    [InlineData("stats-folder-missing", 5, "does not exist")]
    [InlineData("stats-is-a-directory", 5, "is a directory")]
    [InlineData("model-is-a-directory", 4, "is a directory, not a file")]
    [InlineData("lone-surrogate", 2, "not valid Unicode")]
    [InlineData("input-is-a-fifo", 3, "not a regular file")]
    [InlineData("model-is-a-fifo", 4, "not a regular file")]
    [InlineData("model-is-dev-zero", 4, "not a regular file")]
    [InlineData("settings-file-is-a-fifo", 2, "settings file")]
    [InlineData("settings-file-is-dev-zero", 2, "not a regular file")]
    public void Bad_input_is_a_clear_error_and_a_non_zero_exit(string what, int exitCode, string message)
    {
        string junk = Path.Combine(_dir, "junk.png");
        File.WriteAllText(junk, "this is not a picture");
        string output = Path.Combine(_dir, "out.png");
        string[] args = what switch
        {
            "missing" => ["--input", Path.Combine(_dir, "nope.png"), "--output", output],
            "not-an-image" => ["--input", junk, "--output", output],
            "bad-settings" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", "{\"privacy_mode\":\"smudge\"}"],
            "bad-json" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", "{oops"],
            "no-output-folder" => ["--input", TestAssets.Astronaut, "--output", Path.Combine(_dir, "no", "such", "out.png")],
            "no-face-source" => ["--input", TestAssets.Astronaut, "--output", output, "--source", TestAssets.IceBlock, "--settings", "{\"engine\":\"morph\"}"],
            "bad-models" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", "{\"models_dir\":\"/nonexistent\"}"],
            "input-is-a-directory" => ["--input", _dir, "--output", output],
            "truncated-jpeg" => ["--input", Truncated(), "--output", output],
            "truncated-jpeg-source" => ["--input", TestAssets.Astronaut, "--output", output, "--source", Truncated(), "--settings", "{\"engine\":\"morph\"}"],
            "output-under-a-file" => ["--input", TestAssets.Astronaut, "--output", Path.Combine(junk, "out.png")],
            "stats-folder-missing" => ["--input", TestAssets.Astronaut, "--output", output, "--stats", Path.Combine(_dir, "no", "stats.json")],
            "stats-is-a-directory" => ["--input", TestAssets.Astronaut, "--output", output, "--stats", _dir],
            "model-is-a-directory" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", $"{{\"engine\":\"inswapper\",\"swap_model\":\"{_dir}\",\"recognizer_model\":\"{_dir}\"}}"],
            "lone-surrogate" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", "{\"engine\":\"\\ud800\"}"],
            "input-is-a-fifo" => ["--input", Fifo(), "--output", output],
            "model-is-a-fifo" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", $"{{\"engine\":\"inswapper\",\"swap_model\":\"{Fifo()}\",\"recognizer_model\":\"{Fifo()}\"}}"],
            "settings-file-is-a-fifo" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", "@" + Fifo()],
            "settings-file-is-dev-zero" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", "@/dev/zero"],
            "model-is-dev-zero" => ["--input", TestAssets.Astronaut, "--output", output, "--settings", "{\"engine\":\"inswapper\",\"swap_model\":\"/dev/zero\",\"recognizer_model\":\"/dev/zero\"}"],
            _ => ["--input", TestAssets.Astronaut, "--output", output, "--frobnicate", "1"],
        };
        (int code, string stdout, string stderr) = Run(args);
        Assert.Equal(exitCode, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
        Assert.False(File.Exists(output), "no output may be written on failure");
        AssertNothingHalfWritten();
    }

    [Fact]
    public void A_run_phones_nobody_ONNX_Runtime_writes_no_telemetry_files()
    {
        // The bundled runtime, left alone, writes a device id and an event cache under ~/.cache and
        // uploads them; the CLI runs here with a fresh HOME, which must stay empty but for our output.
        string home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(home);
        string output = Path.Combine(_dir, "out.png");
        (int code, _, string stderr) = Run(["--input", TestAssets.Astronaut, "--output", output], fileSizeLimitKb: 0, home: home);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(output));
        Assert.Empty(Directory.GetFileSystemEntries(home, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_video_written_to_a_picture_path_is_a_usage_error()
    {
        string input = WriteVideo("in.avi", 4, blackFirst: 0);
        string output = Path.Combine(_dir, "out.png");
        (int code, string stdout, string stderr) = Run("--input", input, "--output", output);
        Assert.Equal(2, code);
        Assert.Contains("the input is a video", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("out.png", "past the file-size limit", 100)]
    [InlineData("out.avi", "past the file-size limit", 100)]
    [InlineData("out.mp4", "could not finish the file", 8)] // H.264 of this clip fits in 100 KB; ffmpeg (a child under the same limit) exits 0 with a broken file, which the check finds
    public void A_full_disk_is_exit_5_naming_the_cause_and_leaves_no_output(string name, string cause, int limitKb)
    {
        // The file-size limit (ulimit -f, SIGXFSZ ignored) makes writes fail as a full disk does.
        string input = name.EndsWith(".png", StringComparison.Ordinal) ? TestAssets.Astronaut : WriteVideo("in.avi", 30, blackFirst: 0);
        string output = Path.Combine(_dir, name), stats = Path.Combine(_dir, "stats.json");
        (int code, string stdout, string stderr) = Run(["--input", input, "--output", output, "--stats", stats], fileSizeLimitKb: limitKb);
        Assert.True(code == 5, $"exit {code}: {stderr}");
        Assert.Contains(cause, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
        Assert.False(File.Exists(output), "a failed run left its output");
        Assert.False(File.Exists(stats), "a failed run left its statistics");
        AssertNothingHalfWritten();
    }

    [Fact]
    public void Compare_on_a_video_shows_the_first_frame_with_a_face_not_a_black_intro()
    {
        string input = WriteVideo("in.avi", 8, blackFirst: 3);
        string output = Path.Combine(_dir, "out.avi"), compare = Path.Combine(_dir, "cmp.png");
        (int code, _, string stderr) = Run("--input", input, "--output", output, "--compare", compare);
        Assert.True(code == 0, stderr);
        using Mat pair = Cv2.ImRead(compare);
        using Mat before = pair[new Rect(0, 0, 512, 512)];
        Assert.True(Cv2.Mean(before).Val0 > 30, "the comparison shows a black frame");
        using Mat after = pair[new Rect(512, 0, 512, 512)], diff = new();
        Cv2.Absdiff(before, after, diff);
        Assert.True(Cv2.Mean(diff[new Rect(180, 80, 80, 90)]).Val0 > 5, "the comparison does not show the face filtered");
    }

    [Fact]
    public void Faces_are_enrolled_listed_identified_and_removed_from_the_command_line()
    {
        string library = Path.Combine(_dir, "faces.db");
        string[] lib = ["--library", library];
        (int add, string added, string addErr) = RunCli(["faces", "add", "Grace Hopper", TestAssets.GraceHopper, .. lib]);
        Assert.True(add == 0, addErr);
        using (JsonDocument json = JsonDocument.Parse(added))
        {
            Assert.Equal("Grace Hopper", json.RootElement.GetProperty("name").GetString());
            Assert.Equal(1, json.RootElement.GetProperty("embeddings").GetInt32());
        }

        // A second photo of her (a mirrored, smaller copy) adds an embedding to the same identity.
        string second = Path.Combine(_dir, "grace2.png");
        using (Mat photo = TestAssets.Load(TestAssets.GraceHopper))
        using (Mat flipped = photo.Flip(FlipMode.Y))
        using (Mat small = flipped.Resize(new Size(300, 300)))
        {
            Cv2.ImWrite(second, small);
        }

        Assert.Equal(0, RunCli(["faces", "add", "Grace Hopper", second, .. lib]).Code);
        (int list, string listed, _) = RunCli(["faces", "list", .. lib]);
        Assert.Equal(0, list);
        using (JsonDocument json = JsonDocument.Parse(listed))
        {
            JsonElement grace = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal(2, grace.GetProperty("embeddings").GetInt32());
            Assert.True(grace.GetProperty("thumbnail").GetBoolean());
        }

        // A group: Grace among strangers (the astronaut) is named, the stranger is not.
        string group = Path.Combine(_dir, "group.png");
        using (Mat scene = TestAssets.AstronautScene(400, 60, 160))
        using (Mat grace = TestAssets.Load(TestAssets.GraceHopper))
        using (Mat graceSmall = grace.Resize(new Size(400, 400)))
        {
            graceSmall.CopyTo(scene[new Rect(760, 160, 400, 400)]);
            Cv2.ImWrite(group, scene);
        }

        (int identify, string identified, string idErr) = RunCli(["faces", "identify", group, .. lib]);
        Assert.True(identify == 0, idErr);
        using (JsonDocument json = JsonDocument.Parse(identified))
        {
            var faces = json.RootElement.GetProperty("faces").EnumerateArray().ToList();
            Assert.Equal(2, faces.Count);
            JsonElement right = faces.MaxBy(f => f.GetProperty("box")[0].GetDouble());
            JsonElement left = faces.MinBy(f => f.GetProperty("box")[0].GetDouble());
            Assert.Equal("Grace Hopper", right.GetProperty("name").GetString());
            Assert.True(right.GetProperty("score").GetDouble() > 0.8);
            Assert.Equal(JsonValueKind.Null, left.GetProperty("name").ValueKind);
        }

        // Enrolling from the group needs a choice; the error lists the faces to choose from.
        (int several, string severalOut, string severalErr) = RunCli(["faces", "add", "Eileen", group, .. lib]);
        Assert.Equal(2, several);
        Assert.Contains("has 2 faces", severalErr, StringComparison.Ordinal);
        Assert.Equal("", severalOut.Trim());
        Assert.Equal(0, RunCli(["faces", "add", "Eileen", group, "--pick", "largest", .. lib]).Code);
        (int noFace, _, string noFaceErr) = RunCli(["faces", "add", "Ice", TestAssets.IceBlock, .. lib]);
        Assert.Equal(3, noFace);
        Assert.Contains("has no face", noFaceErr, StringComparison.Ordinal);

        (int remove, _, _) = RunCli(["faces", "remove", "Grace Hopper", .. lib]);
        Assert.Equal(0, remove);
        Assert.Equal(2, RunCli(["faces", "remove", "Grace Hopper", .. lib]).Code);
        using (JsonDocument json = JsonDocument.Parse(RunCli(["faces", "list", .. lib]).Stdout))
        {
            Assert.Equal(["Eileen"], json.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(library));
        }

        // A damaged library: exit 7 and the cause, never a crash.
        File.WriteAllText(library, new string('x', 5000));
        (int corrupt, _, string corruptErr) = RunCli(["faces", "list", .. lib]);
        Assert.Equal(7, corrupt);
        Assert.Contains("is not a face library or is damaged", corruptErr, StringComparison.Ordinal);
    }

    /// <summary>No temporary file of a run may outlive it.</summary>
    private void AssertNothingHalfWritten() =>
        Assert.Empty(Directory.GetFiles(_dir, ".*aisp-*", SearchOption.AllDirectories));

    /// <summary>A FIFO nobody writes to: opening it for reading would wait for ever.</summary>
    private string Fifo()
    {
        string path = Path.Combine(_dir, "fifo");
        if (!File.Exists(path))
        {
            using Process mk = Process.Start("mkfifo", path);
            mk.WaitForExit();
        }

        return path;
    }

    /// <summary>The Grace Hopper JPEG cut in half, as an interrupted download leaves it.</summary>
    private string Truncated()
    {
        string path = Path.Combine(_dir, "truncated.jpg");
        byte[] bytes = File.ReadAllBytes(TestAssets.GraceHopper);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    /// <summary>A Motion-JPEG video of the astronaut, <paramref name="blackFirst"/> black frames first.</summary>
    private string WriteVideo(string name, int frames, int blackFirst)
    {
        string path = Path.Combine(_dir, name);
        using Mat photo = TestAssets.Load(TestAssets.Astronaut);
        using var black = new Mat(512, 512, MatType.CV_8UC3, Scalar.Black);
        using var writer = new VideoWriter(path, FourCC.MJPG, 30, new Size(512, 512));
        for (int i = 0; i < frames; i++)
        {
            writer.Write(i < blackFirst ? black : photo);
        }

        return path;
    }

    [Fact]
    public void Videos_keep_their_sound_and_frame_rate_and_mp4_is_h264_that_browsers_play()
    {
        string clip = SoundClips.Make(_dir, "talk.mp4", 60);
        byte[] heard = SoundClips.Sound(clip);
        Assert.True(heard.Length > 48000, $"the test clip has {heard.Length} bytes of sound");

        string mp4 = Path.Combine(_dir, "talk.aisp.mp4");
        (int code, _, string err) = Run("--input", clip, "--output", mp4, "--settings", "{\"engine\":\"privacy\"}");
        Assert.True(code == 0, err);
        string[] streams = SoundClips.Streams(mp4);
        Assert.Contains("h264,video,30000/1001", streams); // H.264 at the camera's exact rate, not MPEG-4 Part 2 at 29.97
        Assert.Contains(streams, s => s.StartsWith("aac,audio", StringComparison.Ordinal));
        Assert.Equal(heard, SoundClips.Sound(mp4)); // copied untouched: the same samples
        using (var capture = new OpenCvSharp.VideoCapture(mp4))
        {
            Assert.Equal(60, capture.FrameCount);
        }

        // The fast Motion-JPEG AVI keeps the sound too (MP3: AVI's usual sound codec), as long as before.
        string avi = Path.Combine(_dir, "talk.aisp.avi");
        (code, _, err) = Run("--input", clip, "--output", avi, "--settings", "{\"engine\":\"privacy\"}", "--max-frames", "60");
        Assert.True(code == 0, err);
        Assert.Contains(SoundClips.Streams(avi), s => s.StartsWith("mp3,audio", StringComparison.Ordinal));
        byte[] aviSound = SoundClips.Sound(avi);
        Assert.InRange(aviSound.Length, heard.Length * 0.95, heard.Length * 1.05);
        Assert.True(Rms(aviSound) > Rms(heard) * 0.5, "the AVI's sound is silent");
        Assert.Empty(Directory.GetFiles(_dir, ".*")); // no temporary file left
    }

    private static double Rms(byte[] pcm)
    {
        double sum = 0;
        for (int i = 0; i + 1 < pcm.Length; i += 2)
        {
            double v = BitConverter.ToInt16(pcm, i);
            sum += v * v;
        }

        return Math.Sqrt(sum / Math.Max(1, pcm.Length / 2));
    }

    [Fact]
    public void Version_says_the_build_commit_abi_and_onnx_runtime()
    {
        (int code, string line, _) = RunCli(["--version"]);
        Assert.Equal(0, code);
        Assert.Matches(@"^aisp \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown), ABI \d+, ONNX Runtime \d+\.\d+\.\d+: .*CPUExecutionProvider", line.Trim());
        (code, string json, _) = RunCli(["version", "--json"]);
        Assert.Equal(0, code);
        System.Text.Json.Nodes.JsonNode v = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Assert.Equal(Aisp.Native.Interop.AbiConstants.AbiVersion, (uint)v["abi"]!); // the ABI the header and the export layer speak
        Assert.Contains("CPUExecutionProvider", v["providers"]!.AsArray().Select(p => (string?)p));
        Assert.Equal(Aisp.Core.BuildInfo.Version, (string?)v["version"]);
    }

    [Fact]
    public void A_misspelt_setting_is_a_usage_error_naming_the_nearest_key()
    {
        // It used to run as privacy with exit 0 while OBS and the server refused it (issue 25).
        string output = Path.Combine(_dir, "out.png");
        (int code, string stdout, string stderr) = Run("--input", TestAssets.Astronaut, "--output", output, "--settings", "{\"enigne\":\"morph\"}");
        Assert.Equal(2, code);
        Assert.Contains("'enigne' is not a setting (did you mean 'engine'?)", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
        Assert.False(File.Exists(output));
        (code, _, stderr) = Run("--input", TestAssets.Astronaut, "--output", output, "--settings", "{\"sparkles\":true}");
        Assert.Equal(2, code);
        Assert.Contains("'sparkles' is not a setting", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Suggest_says_when_it_did_not_understand_with_its_own_exit_codes()
    {
        string[] local = ["--library", Path.Combine(_dir, "none.db"), "--history", Path.Combine(_dir, "none-history.db")];
        (int code, string stdout, string err) = RunCli(["suggest", "blur my background", .. local]);
        Assert.True(code == 0, err);
        Assert.Equal("all", (string?)System.Text.Json.Nodes.JsonNode.Parse(stdout)!["understood"]);
        (code, stdout, _) = RunCli(["suggest", "make me taller", .. local]);
        Assert.Equal(9, code);
        Assert.Equal("nothing", (string?)System.Text.Json.Nodes.JsonNode.Parse(stdout)!["understood"]);
        (code, stdout, _) = RunCli(["suggest", "blur my background and make me taller", .. local]);
        Assert.Equal(10, code);
        System.Text.Json.Nodes.JsonNode partly = System.Text.Json.Nodes.JsonNode.Parse(stdout)!;
        Assert.Equal("blur", (string?)partly["settings"]!["background"]);
        Assert.Equal(["taller"], partly["not_understood"]!.AsArray().Select(w => (string?)w));
    }

    /// <summary>"aisp process" with these arguments, as its own process (other test classes use it too).</summary>
    internal static (int Code, string Stdout, string Stderr) Run(params string[] args) => Run(args, fileSizeLimitKb: 0);

    /// <summary>The CLI with any command ("faces ..."); Run prefixes "process".</summary>
    internal static (int Code, string Stdout, string Stderr) RunCli(string[] args, IReadOnlyDictionary<string, string>? env = null) =>
        Run(args, fileSizeLimitKb: 0, command: null, env: env);

    private static (int Code, string Stdout, string Stderr) Run(string[] args, int fileSizeLimitKb, string? home = null, string? command = "process",
        IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(fileSizeLimitKb > 0 ? "bash" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (fileSizeLimitKb > 0)
        {
            // SIGXFSZ ignored so a write past the limit fails with EFBIG instead of killing the process;
            // W^X off because the runtime's double-mapped code memory is a file that the limit would cap too.
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"trap '' XFSZ; ulimit -f {fileSizeLimitKb}; exec dotnet \"$@\"");
            info.ArgumentList.Add("aisp-limited");
            info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aisp.dll"));
        if (command is not null)
        {
            info.ArgumentList.Add(command);
        }

        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["AISP_MODELS_DIR"] = TestAssets.ModelsDir;
        foreach ((string key, string value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        if (home is not null)
        {
            info.Environment["HOME"] = home;
            info.Environment["DOTNET_CLI_HOME"] = home;
        }
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            // A hung CLI fails its test now, with what it said, instead of holding the whole run until its timeout.
            p.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"aisp {string.Join(' ', args)} did not finish in 3 minutes; stderr: {stderr.Result}");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
