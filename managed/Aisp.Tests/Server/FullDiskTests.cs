using System.Diagnostics;
using System.Text.Json.Nodes;
using Aisp.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Aisp.Tests;

/// <summary>
/// The server on a disk that fills up (a small tmpfs as its data folder): an upload answers 507,
/// a job whose output fills the disk fails alone, the server keeps answering, and it starts
/// again on a disk that is still full. The mount needs root (or passwordless sudo), as the
/// test command's apt step does.
/// </summary>
[Collection("ServerJobs")]
public sealed class FullDiskTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-disk-").FullName;
    private readonly string _data;
    private readonly string _inputs;

    public FullDiskTests()
    {
        _data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        _inputs = Directory.CreateDirectory(Path.Combine(_dir, "inputs")).FullName;
        Environment.SetEnvironmentVariable("AISP_MODELS_DIR", TestAssets.ModelsDir);
    }

    public Task InitializeAsync()
    {
        string why = Mount("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", _data);
        Assert.True(why.Length == 0, $"cannot mount a 6 MB tmpfs for the full-disk test (root or passwordless sudo needed): {why}");
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Mount("umount", "-l", _data);
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_full_disk_fails_the_request_or_job_that_hit_it_and_never_the_server()
    {
        string clip = TestAssets.WriteAstronautClip(Path.Combine(_inputs, "clip.avi"), 90, 640); // its result (about 9 MB) cannot fit
        WebApplication app = await Start();
        var api = new ServerApi(app.GetTestClient());
        string op = (string)(await api.Login("op", Password))["access_token"]!;

        JsonNode job = await ServerApi.Json(await api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = clip, ["output_format"] = "avi" }, op), 201);
        JsonNode failed = await WaitFor(api, op, (long)job["id"]!);
        Assert.Equal("ERROR", (string?)failed["state"]);
        Assert.Matches("No space left|disk is full", (string)failed["error"]!); // the worker's write, or the server's record of it, whichever met the full disk first
        Assert.Empty(Directory.GetFiles(Path.Combine(_data, "jobs"), "*.avi*", SearchOption.AllDirectories)); // its partial result is gone

        // The disk filled to the last byte: an upload is a clear 507, and the server still answers.
        string filler = Fill();
        JsonNode full = await ServerApi.Json(await api.SendForm("/api/v1/jobs/upload", [], "file", TestAssets.Astronaut, op), 507);
        Assert.Equal("DISK_FULL", (string?)full["error"]!["code"]);
        await ServerApi.Json(await api.Send("GET", "/api/v1/jobs", null, op), 200);
        await ServerApi.Json(await api.Send("GET", "/api/v1/metrics", null, op), 200);

        // It starts again on the full disk (a login, which must store its refresh token, says the disk is full), and works once space is freed.
        await app.DisposeAsync();
        app = await Start();
        api = new ServerApi(app.GetTestClient());
        JsonNode noRoom = await ServerApi.Json(await api.Send("POST", "/api/v1/auth/login", new JsonObject { ["username"] = "op", ["password"] = Password }, null), 507);
        Assert.Equal("DISK_FULL", (string?)noRoom["error"]!["code"]);
        File.Delete(filler);
        op = (string)(await api.Login("op", Password))["access_token"]!;
        string picture = Path.Combine(_inputs, "astronaut.png");
        File.Copy(TestAssets.Astronaut, picture);
        JsonNode next = await ServerApi.Json(await api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = picture }, op), 201);
        Assert.Equal("COMPLETED", (string?)(await WaitFor(api, op, (long)next["id"]!))["state"]);
        await app.DisposeAsync();
    }

    private async Task<WebApplication> Start()
    {
        var options = new ServerOptions
        {
            DataDir = _data,
            PasswordIterations = 1000,
            JobInputRoots = [_inputs],
            JobCommand = ["dotnet", Path.Combine(AppContext.BaseDirectory, "aisp.dll")],
            ObsUrl = new Uri("ws://127.0.0.1:9"),
            FaceLibraryPath = Path.Combine(_dir, "faces.db"),
        };
        WebApplication app = ServerApp.Build(options, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        app.Services.GetRequiredService<UserStore>().Add("op", Password, Roles.Operator); // false after a restart (or on the full disk): kept
        return app;
    }

    /// <summary>Fills the data folder's disk to the last byte; returns the filler file.</summary>
    private string Fill()
    {
        string filler = Path.Combine(_data, "filler.bin");
        var block = new byte[64 << 10];
        using var file = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // full
        }

        for (int size = block.Length / 2; size > 0; size /= 2)
        {
            try
            {
                file.Write(block, 0, size);
            }
            catch (IOException)
            {
                // the rest is smaller
            }
        }

        return filler;
    }

    private static async Task<JsonNode> WaitFor(ServerApi api, string token, long id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            JsonNode job = await ServerApi.Json(await api.Send("GET", $"/api/v1/jobs/{id}", null, token), 200);
            if ((string?)job["state"] is "COMPLETED" or "ERROR")
            {
                return job;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"job {id} stuck: {job.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Runs mount/umount (through sudo when not root); "" on success, else why not.</summary>
    private static string Mount(params string[] args)
    {
        string why = "";
        foreach (bool sudo in new[] { false, true })
        {
            var info = new ProcessStartInfo(sudo ? "sudo" : args[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in sudo ? ["-n", .. args] : args[1..])
            {
                info.ArgumentList.Add(a);
            }

            try
            {
                using Process p = Process.Start(info)!;
                why = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode == 0)
                {
                    return "";
                }
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                why = e.Message;
            }
        }

        return why;
    }
}
