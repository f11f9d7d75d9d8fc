using System.Diagnostics;
using System.Text.Json;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>The headless CLI as QA runs it: a real process, real files, exit codes and the statistics JSON.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-cli-").FullName;

    [Fact]
    public void An_image_is_filtered_and_the_statistics_are_printed_as_JSON()
    {
        string output = Path.Combine(_dir, "out.png"), stats = Path.Combine(_dir, "stats.json"), compare = Path.Combine(_dir, "cmp.jpg");
        (int code, string stdout, string stderr) = Run("--input", TestAssets.Astronaut, "--output", output, "--stats", stats, "--compare", compare);
        Assert.True(code == 0, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(1, json.RootElement.GetProperty("faces_last_frame").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("frames_processed").GetInt32());
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
            _ => ["--input", TestAssets.Astronaut, "--output", output, "--frobnicate", "1"],
        };
        (int code, string stdout, string stderr) = Run(args);
        Assert.Equal(exitCode, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
        Assert.False(File.Exists(output), "no output may be written on failure");
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aisp.dll"));
        info.ArgumentList.Add("process");
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["AISP_MODELS_DIR"] = TestAssets.ModelsDir;
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
