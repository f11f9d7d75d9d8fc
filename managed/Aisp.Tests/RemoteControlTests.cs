using System.Diagnostics;
using System.Text.Json.Nodes;
using Aisp.Tests.Remote;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// Remote control through obs-websocket in a real OBS (Debian's obs-studio under xvfb): the
/// plugin's vendor "aisp" lists, switches, validates, pauses and resumes a filter on an image
/// source, and OBS's own GetSourceScreenshot shows the effect.
/// </summary>
[Collection(nameof(RemoteControlTests))] // alone: it loads every core on purpose (the CPU alert), which would upset timed tests beside it
public sealed class RemoteControlTests(RealObs obs, ITestOutputHelper output) : IClassFixture<RealObs>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        using var cts = new CancellationTokenSource(Patience);
        using ObsWebSocketClient client = await ObsWebSocketClient.ConnectAsync(obs.Port, "not the password", cts.Token);
        Assert.Null(await client.IdentifiedAsync(cts.Token));
        Assert.Equal(4009, client.CloseStatus); // obs-websocket: AuthenticationFailed
    }

    [Fact]
    public async Task A_filter_is_listed_switched_validated_paused_and_resumed_remotely()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        CancellationToken ct = cts.Token;
        using ObsWebSocketClient client = await ObsWebSocketClient.ConnectAsync(obs.Port, RealObs.Password, ct);
        Assert.NotNull(await client.IdentifiedAsync(ct));
        output.WriteLine($"OBS up in {obs.StartupSeconds:F1} s");

        // An image source with the filter, doing nothing yet.
        string scene = (string)(await client.RequestAsync("GetCurrentProgramScene", null, ct))["responseData"]!["currentProgramSceneName"]!;
        Ok(await client.RequestAsync("CreateInput", new JsonObject
        {
            ["sceneName"] = scene, ["inputName"] = "Face", ["inputKind"] = "image_source",
            ["inputSettings"] = new JsonObject { ["file"] = TestAssets.Astronaut },
        }, ct));
        await Task.Delay(500, ct);
        using Mat unfiltered = await Screenshot(client, ct);
        JsonNode created = await client.RequestAsync("CreateSourceFilter", new JsonObject
        {
            ["sourceName"] = "Face", ["filterName"] = "AISP", ["filterKind"] = "aisp_face_filter",
            ["filterSettings"] = new JsonObject { ["engine"] = "none", ["compositor"] = "cpu" },
        }, ct);
        Assert.True((bool)created["requestStatus"]!["result"]!, $"{created.ToJsonString()}\nOBS:\n{obs.LogText}");
        var target = new JsonObject { ["source"] = "Face", ["filter"] = "AISP" };
        TimeSpan eventWait = TimeSpan.FromSeconds(10);
        JsonNode? idle = await client.VendorEventAsync("STATE_CHANGED", e => (string?)e["filter"] == "AISP" && (string?)e["payload"]!["to"] == "IDLE", eventWait, ct);
        Assert.True(idle is not null, "no STATE_CHANGED to IDLE after the filter was added");
        Assert.Equal("Face", (string?)idle["source"]);
        Assert.True(DateTimeOffset.TryParse((string?)idle["time"], out _));

        JsonNode listed = await client.VendorAsync("ListFilters", new JsonObject { ["request_id"] = "list-1" }, ct);
        Assert.Equal("list-1", (string?)listed["request_id"]);
        JsonNode filter = Assert.Single(listed["filters"]!.AsArray(), f => (string?)f!["filter"] == "AISP")!;
        Assert.Equal(("Face", "none"), ((string?)filter["source"], (string?)filter["engine"]));

        using Mat plain = await Screenshot(client, ct);
        Assert.True(Cv2.Mean(unfiltered).Val0 > 40, "the image source itself shows nothing");
        Assert.Equal(0, FaceChanged(unfiltered, plain, out int away)); // the filter with engine "none" draws the source as it is
        Assert.Equal(0, away);

        // Switch the engine: OBS's own screenshot shows the face covered, and only the face.
        Ok(await client.VendorAsync("SetSettings", With(target, new JsonObject { ["settings"] = new JsonObject { ["engine"] = "privacy" } }), ct));
        double changed = await WaitFor(client, plain, d => d > 0.5, ct);
        output.WriteLine($"privacy switched remotely: {changed:P0} of the face changed");
        Assert.NotNull(await client.VendorEventAsync("ENGINE_STOPPED", e => (string?)e["payload"]!["engine"] == "none", eventWait, ct));
        Assert.NotNull(await client.VendorEventAsync("ENGINE_STARTED", e => (string?)e["payload"]!["engine"] == "privacy", eventWait, ct));
        Assert.NotNull(await client.VendorEventAsync("STATE_CHANGED", e => (string?)e["payload"]!["to"] == "PROCESSING", eventWait, ct));
        JsonNode status = (await client.VendorAsync("GetStatus", Clone(target), ct))["status"]!;
        output.WriteLine(status.ToJsonString());
        Assert.Equal("privacy", (string?)status["engine"]);
        Assert.Equal("PROCESSING", (string?)status["state"]);
        Assert.Equal(1, (int)status["faces"]!);
        Assert.True((double)status["stages"]!["detect"]!["p50_ms"]! > 0);

        // Bad settings: the seed's error format, the request id echoed, and nothing changed.
        foreach ((JsonObject bad, string named) in new[]
        {
            (new JsonObject { ["engine"] = "sparkle" }, "'engine'"),
            (new JsonObject { ["smudge"] = 1 }, "'smudge'"),
            (new JsonObject { ["privacy_strength"] = 500, ["engine"] = "none" }, "'privacy_strength'"),
        })
        {
            JsonNode answer = await client.VendorAsync("SetSettings", With(target, new JsonObject { ["request_id"] = "bad-1", ["settings"] = bad }), ct);
            JsonNode error = answer["error"] ?? throw new Xunit.Sdk.XunitException($"{bad.ToJsonString()} was accepted");
            Assert.Equal("INVALID_SETTINGS", (string?)error["code"]);
            Assert.Contains(named, (string?)error["message"], StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty((string?)error["details"]!["reason"]));
            Assert.False(string.IsNullOrEmpty((string?)error["details"]!["suggestion"]));
            Assert.True(DateTimeOffset.TryParse((string?)error["timestamp"], out _), $"timestamp {(string?)error["timestamp"]}");
            Assert.Equal("bad-1", (string?)error["request_id"]);
        }

        JsonNode settings = (await client.VendorAsync("GetSettings", Clone(target), ct))["settings"]!;
        Assert.Equal(("privacy", 50L), ((string?)settings["engine"], (long)settings["privacy_strength"]!));
        JsonNode missing = await client.VendorAsync("GetStatus", new JsonObject { ["source"] = "Face", ["filter"] = "nope" }, ct);
        Assert.Equal("FILTER_NOT_FOUND", (string?)missing["error"]!["code"]);
        JsonNode noFace = await client.VendorAsync("SetSourceFace", With(target, new JsonObject { ["path"] = "/nonexistent.png" }), ct);
        Assert.Equal("SOURCE_IMAGE", (string?)noFace["error"]!["code"]);

        // Pause shows the source as it is; Resume covers the face again.
        Ok(await client.VendorAsync("Pause", Clone(target), ct));
        await WaitFor(client, plain, d => d == 0, ct);
        listed = await client.VendorAsync("ListFilters", [], ct);
        Assert.Equal("PAUSED", (string?)listed["filters"]!.AsArray().Single(f => (string?)f!["filter"] == "AISP")!["state"]);
        Assert.NotNull(await client.VendorEventAsync("STATE_CHANGED", e => (string?)e["payload"]!["to"] == "PAUSED", eventWait, ct));
        Ok(await client.VendorAsync("Resume", Clone(target), ct));
        await WaitFor(client, plain, d => d > 0.5, ct);
        Assert.NotNull(await client.VendorEventAsync("STATE_CHANGED", e => (string?)e["payload"]!["from"] == "PAUSED", eventWait, ct));

        // Load the whole machine: the seed's CPU alert (over 80 %) is raised, in the status and as an event.
        using var burn = new CancellationTokenSource();
        Thread[] burners = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            while (!burn.IsCancellationRequested)
            {
                Thread.SpinWait(1000);
            }
        }) { IsBackground = true, Priority = ThreadPriority.Lowest }).ToArray();
        Array.ForEach(burners, b => b.Start());
        JsonNode? alert;
        try
        {
            alert = await client.VendorEventAsync("PERFORMANCE_ALERT", e => (string?)e["payload"]!["alert"] == "cpu" && (string?)e["payload"]!["state"] == "raised", TimeSpan.FromSeconds(20), ct);
            JsonNode loaded = (await client.VendorAsync("GetStatus", Clone(target), ct))["status"]!;
            Assert.Contains("cpu warning", (string?)loaded["alerts"], StringComparison.Ordinal);
            for (int i = 0; i < 15 && !((string?)loaded["line"])!.Contains("alert: cpu warning", StringComparison.Ordinal); i++)
            {
                await Task.Delay(200, ct); // the status line is refreshed once a second
                loaded = (await client.VendorAsync("GetStatus", Clone(target), ct))["status"]!;
            }

            Assert.Contains("alert: cpu warning", (string?)loaded["line"], StringComparison.Ordinal);
        }
        finally
        {
            burn.Cancel();
            Array.ForEach(burners, b => b.Join());
        }

        Assert.True(alert is not null, "no CPU alert while every core was busy");
        output.WriteLine($"alert: {alert.ToJsonString()}");
        Assert.Equal(("warning", 80.0), ((string?)alert["payload"]!["level"], (double)alert["payload"]!["threshold"]!));
        Assert.True((double)alert["payload"]!["value"]! > 80);
        Assert.NotNull(await client.VendorEventAsync("PERFORMANCE_ALERT", e => (string?)e["payload"]!["alert"] == "cpu" && (string?)e["payload"]!["state"] == "cleared", TimeSpan.FromSeconds(20), ct));
    }

    private static JsonObject Clone(JsonObject o) => (JsonObject)o.DeepClone();

    private static JsonObject With(JsonObject target, JsonObject extra)
    {
        JsonObject o = Clone(target);
        foreach ((string key, JsonNode? value) in extra.ToArray())
        {
            extra.Remove(key);
            o[key] = value;
        }

        return o;
    }

    private static void Ok(JsonNode response)
    {
        if (response["requestStatus"] is JsonNode status)
        {
            Assert.True((bool)status["result"]!, status.ToJsonString());
        }
        else
        {
            Assert.True(response["error"] is null, response.ToJsonString());
        }
    }

    private static async Task<Mat> Screenshot(ObsWebSocketClient client, CancellationToken ct)
    {
        JsonNode shot = await client.RequestAsync("GetSourceScreenshot", new JsonObject
        {
            ["sourceName"] = "Face", ["imageFormat"] = "png", ["imageWidth"] = 512, ["imageHeight"] = 512,
        }, ct);
        Ok(shot);
        string data = (string)shot["responseData"]!["imageData"]!;
        byte[] png = Convert.FromBase64String(data[(data.IndexOf(',', StringComparison.Ordinal) + 1)..]);
        return Cv2.ImDecode(png, ImreadModes.Color);
    }

    /// <summary>
    /// Takes screenshots until the share of face pixels that differ from <paramref name="plain"/>
    /// satisfies <paramref name="done"/> with nothing changed away from the face; returns it. On the
    /// way, privacy may draw nothing or cover the whole frame (fail-closed while a switch is applied).
    /// </summary>
    private static async Task<double> WaitFor(ObsWebSocketClient client, Mat plain, Func<double, bool> done, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        double share = -1;
        int outside = -1;
        while (watch.Elapsed < Patience)
        {
            using Mat shot = await Screenshot(client, ct);
            using Mat grey = shot.CvtColor(ColorConversionCodes.BGR2GRAY);
            if (Cv2.CountNonZero(grey) > 0)
            {
                share = FaceChanged(plain, shot, out outside);
                if (done(share) && outside < 50)
                {
                    return share;
                }
            }

            await Task.Delay(200, ct);
        }

        throw new Xunit.Sdk.XunitException($"the screenshot never reached the expected state (face changed {share:P0}, {outside} pixels away from it)");
    }

    private static double FaceChanged(Mat a, Mat b, out int outside)
    {
        Aisp.Core.Detection.BoxF face = TestAssets.AstronautFace;
        int inside = 0, total = 0;
        outside = 0;
        for (int y = 0; y < a.Rows; y++)
        {
            for (int x = 0; x < a.Cols; x++)
            {
                Vec3b p = a.At<Vec3b>(y, x), q = b.At<Vec3b>(y, x);
                bool differs = Math.Abs(p.Item0 - q.Item0) + Math.Abs(p.Item1 - q.Item1) + Math.Abs(p.Item2 - q.Item2) > 12;
                if (x >= face.Left && x < face.Right && y >= face.Top && y < face.Bottom)
                {
                    total++;
                    inside += differs ? 1 : 0;
                }
                else if (x < face.Left - 60 || x > face.Right + 60 || y < face.Top - 60 || y > face.Bottom + 60)
                {
                    outside += differs ? 1 : 0;
                }
            }
        }

        return (double)inside / total;
    }
}

[CollectionDefinition(nameof(RemoteControlTests), DisableParallelization = true)]
#pragma warning disable CA1711 // xunit's naming
public sealed class RemoteControlTestsCollection
#pragma warning restore CA1711
{
}
