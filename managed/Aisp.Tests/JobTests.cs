using System.Diagnostics;
using System.Text.Json.Nodes;
using Aisp.Server;
using Aisp.Server.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>
/// The server's file jobs on real photos and videos made of them: each runs through the CLI's worker
/// (the same core), walks the seed's states with TASK_* events, respects the queue limit, cancels,
/// survives a server restart, and one failing or crashing job never stops the others.
/// </summary>
[Collection("ServerJobs")]
public sealed class JobTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-jobs-").FullName;
    private readonly string _inputs;
    private WebApplication _app = null!;
    private ServerApi _api = null!;
    private string _operator = null!;

    public JobTests()
    {
        _inputs = Directory.CreateDirectory(Path.Combine(_dir, "inputs")).FullName;
        Environment.SetEnvironmentVariable("AISP_MODELS_DIR", TestAssets.ModelsDir); // the workers inherit it
    }

    public async Task InitializeAsync() => await Start(maxJobs: 2);

    private async Task Start(int maxJobs, int maxAttempts = 3)
    {
        var options = new ServerOptions
        {
            DataDir = Path.Combine(_dir, "server"),
            PasswordIterations = 1000,
            MaxConcurrentJobs = maxJobs,
            MaxJobAttempts = maxAttempts,
            JobInputRoots = [_inputs],
            JobCommand = ["dotnet", Path.Combine(AppContext.BaseDirectory, "aisp.dll")],
            ObsUrl = new Uri("ws://127.0.0.1:9"), // no OBS: jobs need none
        };
        _app = ServerApp.Build(options, b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _api = new ServerApi(_app.GetTestClient());
        var users = _app.Services.GetRequiredService<UserStore>();
        users.Add("op", Password, Roles.Operator); // false after a restart: the user is kept
        users.Add("viewer", Password, Roles.Viewer);
        _operator = (string)(await _api.Login("op", Password))["access_token"]!;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_picture_job_gives_the_clis_result_and_walks_the_seeds_states_with_task_events()
    {
        string input = Copy(TestAssets.Astronaut, "astronaut.png");
        JsonNode job = await Submit(input, new JsonObject { ["privacy_mode"] = "blur" });
        Assert.Equal("WAITING", (string?)job["state"]);
        long id = (long)job["id"]!;
        JsonNode done = await WaitFor(id, j => (string?)j["state"] is "COMPLETED" or "ERROR");
        Assert.True((string?)done["result"] == "succeeded", done.ToJsonString());
        Assert.Equal(1.0, (double)done["progress"]!);

        // The download is what the CLI writes for the same file and settings, byte for byte in pixels.
        using HttpResponseMessage r = await _api.Send("GET", $"/api/v1/jobs/{id}/result", null, _operator);
        Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
        using Mat served = Cv2.ImDecode(await r.Content.ReadAsByteArrayAsync(), ImreadModes.Color);
        string cli = Path.Combine(_dir, "cli.png");
        (int code, _, string stderr) = CliTests.Run("--input", input, "--output", cli, "--settings", "{\"privacy_mode\":\"blur\"}");
        Assert.True(code == 0, stderr);
        using Mat expected = Cv2.ImRead(cli);
        using Mat original = Cv2.ImRead(input), diff = new();
        Cv2.Absdiff(served, expected, diff);
        Assert.Equal(0, Cv2.CountNonZero(diff.CvtColor(ColorConversionCodes.BGR2GRAY)));
        Cv2.Absdiff(served, original, diff);
        Assert.True(Cv2.Mean(diff[new Rect(180, 80, 80, 90)]).Val0 > 5, "the face was not blurred");

        // The seed's states in order, each step a TASK_* event for this job.
        string[] steps = [.. Events(id).Select(e => $"{e.Type}:{e.Payload["state"]}").Distinct()];
        Assert.Equal(["TASK_CREATED:WAITING", "TASK_STARTED:STARTING", "TASK_PROGRESS:PROCESSING", "TASK_COMPLETED:COMPLETED"], steps);
    }

    [Fact]
    public async Task An_uploaded_video_is_processed_with_progress_and_bad_submissions_are_refused_in_the_error_format()
    {
        string video = MakeVideo("clip.avi", 40);
        JsonNode job = await Upload(video, "{\"engine\":\"privacy\",\"privacy_mode\":\"pixelate\"}", "avi");
        long id = (long)job["id"]!;
        JsonNode done = await WaitFor(id, j => (string?)j["state"] is "COMPLETED" or "ERROR");
        Assert.True((string?)done["result"] == "succeeded", done.ToJsonString());
        Assert.Equal(40, (int)done["frames"]!);
        Assert.Equal(40, (int)done["total_frames"]!);
        using HttpResponseMessage r = await _api.Send("GET", $"/api/v1/jobs/{id}/result", null, _operator);
        string result = Path.Combine(_dir, "result.avi");
        await File.WriteAllBytesAsync(result, await r.Content.ReadAsByteArrayAsync());
        using (var capture = new VideoCapture(result))
        {
            Assert.Equal(40, capture.FrameCount);
        }

        Assert.Contains(Events(id), e => e.Type == "TASK_PROGRESS" && (int)e.Payload["frames"]! == 40);

        // Refusals say what to change: settings the core rejects, unknown keys, a picture as a video,
        // a path outside the folders the server reads (also through a link), the viewer.
        JsonNode bad = await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = video, ["settings"] = new JsonObject { ["privacy_strength"] = 500 } }, _operator), 400);
        Assert.Contains("privacy_strength", (string)bad["error"]!["message"]!, StringComparison.Ordinal);
        bad = await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = video, ["settings"] = new JsonObject { ["engine_x"] = "none" } }, _operator), 400);
        Assert.Contains("engine_x", (string)bad["error"]!["message"]!, StringComparison.Ordinal);
        bad = await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = video, ["output_format"] = "png" }, _operator), 400);
        Assert.Equal("INVALID_JOB", (string?)bad["error"]!["code"]);
        File.CreateSymbolicLink(Path.Combine(_inputs, "escape.png"), TestAssets.Astronaut);
        bad = await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = Path.Combine(_inputs, "escape.png") }, _operator), 403);
        Assert.Equal("PATH_NOT_ALLOWED", (string?)bad["error"]!["code"]);
        string viewer = (string)(await _api.Login("viewer", Password))["access_token"]!;
        await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = video }, viewer), 403);
        bad = await ServerApi.Json(await _api.Send("GET", $"/api/v1/jobs/{id + 100}/result", null, viewer), 404);
        Assert.Equal("JOB_NOT_FOUND", (string?)bad["error"]!["code"]);
    }

    [Fact]
    public async Task The_queue_runs_at_most_its_limit_and_failing_or_crashing_jobs_do_not_stop_it()
    {
        string video = MakeVideo("queue.avi", 30);
        string corrupt = Path.Combine(_inputs, "corrupt.png");
        await File.WriteAllBytesAsync(corrupt, (await File.ReadAllBytesAsync(TestAssets.Astronaut))[..5000]);
        var ids = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add((long)(await Submit(i == 1 ? corrupt : video, new JsonObject()))["id"]!);
        }

        long crash = (long)(await Submit(MakeVideo("long.avi", 1500), new JsonObject()))["id"]!; // long enough to be still running when killed, on a busy machine too
        ids.Add((long)(await Submit(video, new JsonObject()))["id"]!);

        // Kill the long job's worker as a crash would: only that job fails.
        JsonNode running = await WaitFor(crash, j => (string?)j["state"] == "PROCESSING");
        int pid = WorkerPid(crash);
        Process.GetProcessById(pid).Kill();
        JsonNode crashed = await WaitFor(crash, j => (string?)j["state"] is "COMPLETED" or "ERROR");
        Assert.Equal("failed", (string?)crashed["result"]);
        Assert.Contains("signal 9", (string)crashed["error"]!, StringComparison.Ordinal);

        foreach (long id in ids)
        {
            JsonNode end = await WaitFor(id, j => (string?)j["state"] is "COMPLETED" or "ERROR");
            Assert.Equal(id == ids[1] ? "failed" : "succeeded", (string?)end["result"]);
        }

        JsonNode failed = (await ServerApi.Json(await _api.Send("GET", $"/api/v1/jobs/{ids[1]}", null, _operator), 200));
        Assert.Contains("unreadable input", (string)failed["error"]!, StringComparison.Ordinal);

        // Never more than two at once, and two did run together.
        int now = 0, most = 0;
        foreach (ServerEvent e in History().Where(e => e.Type.StartsWith("TASK_", StringComparison.Ordinal)))
        {
            now += e.Type == "TASK_STARTED" ? 1 : e.Type is "TASK_COMPLETED" or "TASK_FAILED" or "TASK_CANCELLED" ? -1 : 0;
            most = Math.Max(most, now);
        }

        Assert.Equal(2, most);
        Assert.Equal(0, now);
        _ = running;
    }

    [Fact]
    public async Task Cancel_stops_a_running_worker_and_a_waiting_job()
    {
        string video = MakeVideo("long.avi", 400);
        long first = (long)(await Submit(video, new JsonObject()))["id"]!;
        long second = (long)(await Submit(video, new JsonObject()))["id"]!;
        long third = (long)(await Submit(video, new JsonObject()))["id"]!;
        await WaitFor(first, j => (string?)j["state"] == "PROCESSING");
        int pid = WorkerPid(first);
        JsonNode waiting = await ServerApi.Json(await _api.Send("POST", $"/api/v1/jobs/{third}/cancel", null, _operator), 200);
        Assert.Equal("COMPLETED", (string?)waiting["state"]);
        Assert.Equal("cancelled", (string?)waiting["result"]);
        await ServerApi.Json(await _api.Send("POST", $"/api/v1/jobs/{first}/cancel", null, _operator), 200);
        JsonNode cancelled = await WaitFor(first, j => (string?)j["state"] == "COMPLETED");
        Assert.Equal("cancelled", (string?)cancelled["result"]);
        Assert.True(WaitGone(pid), "the worker still runs");
        await ServerApi.Json(await _api.Send("POST", $"/api/v1/jobs/{second}/cancel", null, _operator), 200);
        await WaitFor(second, j => (string?)j["state"] == "COMPLETED");

        JsonNode again = await ServerApi.Json(await _api.Send("POST", $"/api/v1/jobs/{first}/cancel", null, _operator), 409);
        Assert.Equal("JOB_FINISHED", (string?)again["error"]!["code"]);
        Assert.Equal("JOB_NOT_DONE", (string?)(await ServerApi.Json(await _api.Send("GET", $"/api/v1/jobs/{first}/result", null, _operator), 409))["error"]!["code"]);
        Assert.Contains(Events(first), e => e.Type == "TASK_CANCELLED");
        Assert.Contains(Events(third), e => e.Type == "TASK_CANCELLED");
        Assert.DoesNotContain(Events(third), e => e.Type == "TASK_STARTED");
        using (HttpResponseMessage deleted = await _api.Send("DELETE", $"/api/v1/jobs/{first}", null, _operator))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ServerApi.Json(await _api.Send("GET", $"/api/v1/jobs/{first}", null, _operator), 404);
    }

    [Fact]
    public async Task A_job_interrupted_by_a_restart_starts_again_and_one_interrupted_too_often_fails_with_the_reason()
    {
        await _app.DisposeAsync();
        await Start(maxJobs: 1);
        string video = MakeVideo("long.avi", 300);
        long id = (long)(await Submit(video, new JsonObject()))["id"]!;
        await WaitFor(id, j => (string?)j["state"] == "PROCESSING" && (int)j["frames"]! > 0);
        int pid = WorkerPid(id);
        var options = _app.Services.GetRequiredService<ServerOptions>();
        await _app.DisposeAsync(); // the server stops mid-job
        Assert.True(WaitGone(pid), "the worker outlived its server");

        // What a crash leaves behind goes at the next start; a live process's file stays.
        string[] leftovers =
        [
            Path.Combine(Aisp.Server.Jobs.Job.Folder(options, id), ".result.aisp-0.avi"),
            Path.Combine(options.JobsDir, "upload-0123abcd.part"),
            Path.Combine(Directory.CreateDirectory(Path.Combine(options.DataDir, "enrol-0123abcd")).FullName, "photo.jpg"),
        ];
        string live = Path.Combine(options.JobsDir, $".other.aisp-{Environment.ProcessId}.png");
        foreach (string file in leftovers.Append(live))
        {
            File.WriteAllText(file, "partial");
        }

        await Start(maxJobs: 1);
        Assert.All(leftovers, f => Assert.False(File.Exists(f), $"{f} was left"));
        Assert.False(Directory.Exists(Path.Combine(options.DataDir, "enrol-0123abcd")));
        Assert.True(File.Exists(live));
        JsonNode done = await WaitFor(id, j => (string?)j["state"] is "COMPLETED" or "ERROR");
        Assert.Equal("succeeded", (string?)done["result"]);
        Assert.Equal(2, (int)done["attempts"]!);
        Assert.Equal(300, (int)done["frames"]!);
        Assert.Contains(Events(id), e => e.Type == "TASK_STARTED" && (bool)e.Payload["resumed"]!);

        long next = (long)(await Submit(video, new JsonObject()))["id"]!;
        await WaitFor(next, j => (string?)j["state"] == "PROCESSING");
        await _app.DisposeAsync();
        await Start(maxJobs: 1, maxAttempts: 1);
        JsonNode failed = await WaitFor(next, j => (string?)j["state"] is "COMPLETED" or "ERROR");
        Assert.Equal("ERROR", (string?)failed["state"]);
        Assert.Contains("interrupted 1 times", (string)failed["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_video_jobs_result_keeps_its_sound()
    {
        string clip = SoundClips.Make(_inputs, "talk.mp4", 45);
        JsonNode job = await Submit(clip, new JsonObject { ["engine"] = "privacy" });
        JsonNode done = await WaitFor((long)job["id"]!, j => (string?)j["state"] is "COMPLETED" or "ERROR");
        Assert.True((string?)done["result"] == "succeeded", done.ToJsonString());
        using HttpResponseMessage r = await _api.Send("GET", $"/api/v1/jobs/{(long)job["id"]!}/result", null, _operator);
        Assert.Equal("video/mp4", r.Content.Headers.ContentType?.MediaType);
        string result = Path.Combine(_dir, "talk.result.mp4");
        await File.WriteAllBytesAsync(result, await r.Content.ReadAsByteArrayAsync());
        Assert.Contains("h264,video,30000/1001", SoundClips.Streams(result));
        byte[] heard = SoundClips.Sound(clip);
        Assert.NotEmpty(heard);
        Assert.Equal(heard, SoundClips.Sound(result));
    }

    [Fact]
    public async Task Job_settings_name_files_only_inside_the_servers_folders_and_a_decode_bomb_fails_its_job_only()
    {
        string photo = Copy(TestAssets.Astronaut, "astronaut.png");
        string inside = Copy(TestAssets.GraceHopper, "grace.jpg");
        File.CreateSymbolicLink(Path.Combine(_inputs, "leak.jpg"), "/etc/hostname");
        foreach (JsonObject leak in new[]
        {
            new JsonObject { ["background"] = "replace", ["background_image"] = TestAssets.GraceHopper },
            new JsonObject { ["engine"] = "morph", ["source_image"] = Path.Combine(_inputs, "leak.jpg") }, // a link out of the folder
            new JsonObject { ["swap_identities"] = new JsonObject { ["Ada"] = Path.Combine(_inputs, "..", "..", "elsewhere.png") } },
            new JsonObject { ["models_dir"] = "/tmp" },
            new JsonObject { ["effect_pack"] = "custom", ["effect_pack_path"] = "/etc" },
        })
        {
            JsonNode refused = await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = photo, ["settings"] = leak }, _operator), 403);
            Assert.Equal("PATH_NOT_ALLOWED", (string?)refused["error"]!["code"]);
            Assert.Contains(leak.Last().Key, (string)refused["error"]!["message"]!, StringComparison.Ordinal);
            refused = await ServerApi.Json(await _api.SendForm("/api/v1/jobs/upload", [("settings", leak.ToJsonString())], "file", photo, _operator), 403);
            Assert.Equal("PATH_NOT_ALLOWED", (string?)refused["error"]!["code"]);
        }

        // A picture inside the folders works as before.
        JsonNode replaced = await Submit(photo, new JsonObject { ["engine"] = "none", ["background"] = "replace", ["background_image"] = inside });
        Assert.Equal("succeeded", (string?)(await WaitFor((long)replaced["id"]!, j => (string?)j["state"] is "COMPLETED" or "ERROR"))["result"]);

        // A text field of megabytes is refused after 64 KiB, not read whole into a string.
        string huge = "{\"engine\":\"" + new string('x', 4 << 20) + "\"}";
        JsonNode tooLong = await ServerApi.Json(await _api.SendForm("/api/v1/jobs/upload", [("settings", huge)], "file", photo, _operator), 400);
        Assert.Contains("longer than 64 KiB", (string)tooLong["error"]!["message"]!, StringComparison.Ordinal);

        // A 30000x30000 PNG of a few kilobytes: refused from its header, before any decoder allocates 2.7 GB.
        string bomb = Path.Combine(_inputs, "bomb.png");
        File.WriteAllBytes(bomb, PngClaiming(30000, 30000));
        JsonNode job = await Upload(bomb, "{}", "png");
        JsonNode failed = await WaitFor((long)job["id"]!, j => (string?)j["state"] is "COMPLETED" or "ERROR");
        Assert.Equal("ERROR", (string?)failed["state"]);
        Assert.Contains("30000x30000", (string)failed["error"]!, StringComparison.Ordinal);
        string viewer = (string)(await _api.Login("viewer", Password))["access_token"]!;
        JsonNode seen = await ServerApi.Json(await _api.Send("GET", $"/api/v1/jobs/{(long)job["id"]!}", null, viewer), 200);
        Assert.DoesNotContain(_dir, seen.ToJsonString(), StringComparison.Ordinal); // a viewer learns no server folder
        Assert.Contains("30000x30000", (string)seen["error"]!, StringComparison.Ordinal);
    }

    /// <summary>A valid PNG header and first rows for a picture of <paramref name="width"/> x <paramref name="height"/>: what a decode bomb starts with.</summary>
    private static byte[] PngClaiming(int width, int height)
    {
        using var file = new MemoryStream();
        file.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // 8-bit RGB
        header[9] = 2;
        Chunk(file, "IHDR", header);
        using var packed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(packed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(new byte[(width * 3 + 1) * 16]); // sixteen black rows
        }

        Chunk(file, "IDAT", packed.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream file, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        file.Write(typed);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
        file.Write(length);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private string Copy(string photo, string name)
    {
        string path = Path.Combine(_inputs, name);
        File.Copy(photo, path, overwrite: true);
        return path;
    }

    /// <summary>The astronaut photo moving across a grey frame, as MJPEG, in the folder the server may read.</summary>
    private string MakeVideo(string name, int frames) => TestAssets.WriteAstronautClip(Path.Combine(_inputs, name), frames);

    private async Task<JsonNode> Submit(string path, JsonObject settings) =>
        await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = path, ["settings"] = settings }, _operator), 201);

    private async Task<JsonNode> Upload(string path, string settings, string format) =>
        await ServerApi.Json(await _api.SendForm("/api/v1/jobs/upload", [("settings", settings), ("output_format", format)], "file", path, _operator), 201);

    private async Task<JsonNode> WaitFor(long id, Func<JsonNode, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            JsonNode job = await ServerApi.Json(await _api.Send("GET", $"/api/v1/jobs/{id}", null, _operator), 200);
            // An ended job's state is stored a moment before its end event is published: wait for both, as a client of the stream would.
            bool ended = (string?)job["state"] is "COMPLETED" or "ERROR";
            if (done(job))
            {
                if (!ended || Events(id).Any(e => e.Type is Aisp.Server.Jobs.JobScheduler.Completed or Aisp.Server.Jobs.JobScheduler.Failed or Aisp.Server.Jobs.JobScheduler.Cancelled))
                {
                    return job;
                }
            }
            else
            {
                Assert.False((string?)job["result"] is not null && ended, $"job {id} ended before it got there: {job.ToJsonString()}");
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"job {id} stuck: {job.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    private int WorkerPid(long id) => _app.Services.GetRequiredService<Aisp.Server.Jobs.JobStore>().Get(id)!.Pid!.Value;

    private static bool WaitGone(int pid)
    {
        for (int i = 0; i < 100; i++)
        {
            if (!Directory.Exists($"/proc/{pid}"))
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    private List<ServerEvent> History() => [.. _app.Services.GetRequiredService<EventHistory>().After(0, 10_000)];

    private List<ServerEvent> Events(long id) => [.. History().Where(e => e.Type.StartsWith("TASK_", StringComparison.Ordinal) && (long?)e.Payload["id"] == id)];
}
