using System.Text.Json.Nodes;
using Aisp.Server.Obs;
using Aisp.Tests.Remote;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// Remote control through obs-websocket in a real OBS (Debian's obs-studio under xvfb): the
/// plugin's vendor "aisp" lists, switches, validates, pauses and resumes a filter on an image
/// source, and OBS's own GetSourceScreenshot shows the effect.
/// </summary>
[Collection(nameof(RemoteControlTests))] // alone: its OBS replays a busy machine (the CPU alert)
public sealed class RemoteControlTests(RealObs obs, ITestOutputHelper output) : IClassFixture<RealObs>
{
    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using ObsWebSocketClient client = await ObsWebSocketClient.ConnectAsync(obs.Url, "not the password", cts.Token);
        Assert.Null(await client.IdentifiedAsync(cts.Token));
        Assert.Equal(4009, client.CloseStatus); // obs-websocket: AuthenticationFailed
    }

    [Fact]
    public async Task A_filter_is_listed_switched_validated_paused_and_resumed_remotely()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        CancellationToken ct = cts.Token;
        using ObsWebSocketClient client = await obs.ConnectAsync(ct);
        output.WriteLine($"OBS up in {obs.StartupSeconds:F1} s");

        // An image source with the filter, doing nothing yet.
        await ObsScene.AddPhotoAsync(client, "Face", ct);
        using Mat unfiltered = await ObsScene.ScreenshotAsync(client, "Face", ct);
        await ObsScene.AddFilterAsync(client, obs, "Face", "AISP", new JsonObject { ["engine"] = "none", ["compositor"] = "cpu" }, ct);
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

        using Mat plain = await ObsScene.ScreenshotAsync(client, "Face", ct);
        Assert.True(Cv2.Mean(unfiltered).Val0 > 40, "the image source itself shows nothing");
        Assert.Equal(0, ObsScene.FaceChanged(unfiltered, plain, out int away)); // the filter with engine "none" draws the source as it is
        Assert.Equal(0, away);

        // Switch the engine: OBS's own screenshot shows the face covered, and only the face.
        ObsScene.Ok(await client.VendorAsync("SetSettings", With(target, new JsonObject { ["settings"] = new JsonObject { ["engine"] = "privacy" } }), ct));
        double changed = await ObsScene.WaitForFaceAsync(client, "Face", plain, d => d > 0.5, ct);
        output.WriteLine($"privacy switched remotely: {changed:P0} of the face changed");
        Assert.NotNull(await client.VendorEventAsync("ENGINE_STOPPED", e => (string?)e["payload"]!["engine"] == "none", eventWait, ct));
        Assert.NotNull(await client.VendorEventAsync("ENGINE_STARTED", e => (string?)e["payload"]!["engine"] == "privacy", eventWait, ct));
        Assert.NotNull(await client.VendorEventAsync("STATE_CHANGED", e => (string?)e["payload"]!["to"] == "PROCESSING", eventWait, ct));
        JsonNode status = (await client.VendorAsync("GetStatus", Clone(target), ct))["status"]!;
        output.WriteLine(status.ToJsonString());
        Assert.Equal("privacy", (string?)status["engine"]);
        Assert.Equal("PROCESSING", (string?)status["state"]);
        Assert.Equal(1, (int)status["faces"]!);
        Assert.Equal(1, (int)status["faces_covered"]!);
        Assert.True((double)status["stages"]!["detect"]!["p50_ms"]! > 0);

        // Bad settings: the seed's error format, the request id echoed, and nothing changed.
        foreach ((JsonObject bad, string named) in new[]
        {
            (new JsonObject { ["engine"] = "sparkle" }, "'engine'"),
            (new JsonObject { ["smudge"] = 1 }, "'smudge'"),
            (new JsonObject { ["privacy_strength"] = 500, ["engine"] = "none" }, "'privacy_strength'"),
            (new JsonObject { ["background_image"] = TestAssets.GraceHopper, ["background"] = "replace" }, "'background_image'"), // outside AISP_REMOTE_READ
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
        JsonNode elsewhere = await client.VendorAsync("SetSourceFace", With(target, new JsonObject { ["path"] = TestAssets.GraceHopper }), ct);
        Assert.Equal("PATH_NOT_ALLOWED", (string?)elsewhere["error"]!["code"]);
        Assert.Contains(TestAssets.GraceHopper, (string?)elsewhere["error"]!["message"], StringComparison.Ordinal);

        // Pause never shows a face with privacy: the filter stays on and covers the whole frame (state
        // PAUSED); Resume covers only the face again.
        ObsScene.Ok(await client.VendorAsync("Pause", Clone(target), ct));
        await ObsScene.WaitForFaceAsync(client, "Face", plain, d => d > 0.5, ct, away: pixels => pixels > 10_000);
        listed = await client.VendorAsync("ListFilters", [], ct);
        Assert.Equal("PAUSED", (string?)listed["filters"]!.AsArray().Single(f => (string?)f!["filter"] == "AISP")!["state"]);
        Assert.NotNull(await client.VendorEventAsync("STATE_CHANGED", e => (string?)e["payload"]!["to"] == "PAUSED", eventWait, ct));
        ObsScene.Ok(await client.VendorAsync("Resume", Clone(target), ct));
        await ObsScene.WaitForFaceAsync(client, "Face", plain, d => d > 0.5, ct);
        Assert.NotNull(await client.VendorEventAsync("STATE_CHANGED", e => (string?)e["payload"]!["from"] == "PAUSED", eventWait, ct));

        // A loaded machine (replayed: 95 % busy): the seed's CPU alert (over 80 %) is raised, in the status and as an event.
        obs.SetCpuLoad(95);
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
        catch
        {
            output.WriteLine("OBS said:\n" + obs.LogText);
            throw;
        }
        finally
        {
            obs.SetCpuLoad(10);
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

}

[CollectionDefinition(nameof(RemoteControlTests), DisableParallelization = true)]
#pragma warning disable CA1711 // xunit's naming
public sealed class RemoteControlTestsCollection
#pragma warning restore CA1711
{
}
