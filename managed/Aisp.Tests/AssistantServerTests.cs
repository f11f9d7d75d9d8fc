using System.Text.Json.Nodes;
using Aisp.Server;
using Aisp.Server.Obs;
using Aisp.Tests.Remote;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>
/// The assistant's whole path with a real OBS: through the server's API (a viewer may ask but not
/// apply; an operator's strategy reaches the filter and OBS's screenshot shows it; the minute after
/// is measured into the history) and through "aisp suggest --server ... --apply" as a process.
/// </summary>
[Collection(nameof(RemoteControlTests))] // alone, like the other real-OBS tests
public sealed class AssistantServerTests(RealObs obs) : IClassFixture<RealObs>, IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-assistant-").FullName;
    private WebApplication _app = null!;
    private ServerApi _api = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        (_app, _url) = await ServerApi.StartOnLoopbackAsync(new ServerOptions
        {
            DataDir = _dir,
            PasswordIterations = 1000,
            ObsUrl = obs.Url,
            ObsPassword = RealObs.Password,
            FaceLibraryPath = Path.Combine(_dir, "faces.db"),
            AssistantMeasureWindow = TimeSpan.FromSeconds(3),
        }, Password);
        _api = new ServerApi(new HttpClient { BaseAddress = new Uri(_url) });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task An_operators_instruction_changes_the_filter_in_obs_is_measured_and_a_viewer_cannot_apply()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        CancellationToken ct = cts.Token;
        using ObsWebSocketClient client = await obs.ConnectAsync(ct);
        using Mat plain = await ObsScene.AddPlainFilteredPhotoAsync(client, obs, "Host", "AISP", ct);
        string viewer = (string)(await _api.Login(Roles.Viewer, Password))["access_token"]!;
        string op = (string)(await _api.Login(Roles.Operator, Password))["access_token"]!;
        var ask = new JsonObject { ["instruction"] = "blur everyone", ["source"] = "Host", ["filter"] = "AISP" };

        // A viewer may ask (nothing changes) but not apply.
        JsonNode suggested = await ServerApi.Json(await _api.Send("POST", "/api/v1/assistant/suggest", ask, viewer), 200);
        Assert.Equal("privacy", (string?)suggested["settings"]!["engine"]);
        Assert.True((double?)suggested["status"]!["fps"] > 0, suggested["status"]!.ToJsonString()); // the filter's own numbers, read through OBS
        Assert.Equal("FORBIDDEN", (string?)(await ServerApi.Json(await _api.Send("POST", "/api/v1/assistant/apply", ask, viewer), 403))["error"]!["code"]);
        Assert.Equal("none", (string?)(await Settings(client, ct))["engine"]);

        // The operator applies it: the filter's settings change and OBS's own picture shows the face blurred.
        JsonNode applied = await ServerApi.Json(await _api.Send("POST", "/api/v1/assistant/apply", ask, op), 200);
        Assert.True((bool)applied["applied"]!);
        JsonNode settings = await Settings(client, ct);
        Assert.Equal(("privacy", "blur"), ((string?)settings["engine"], (string?)settings["privacy_mode"]));
        Assert.True(await ObsScene.WaitForFaceAsync(client, "Host", plain, d => d > 0.5, ct) > 0.5);

        // Unknown filter: the vendor's error, in the format.
        var missing = new JsonObject { ["instruction"] = "blur everyone", ["source"] = "Nobody", ["filter"] = "AISP" };
        Assert.Equal("FILTER_NOT_FOUND", (string?)(await ServerApi.Json(await _api.Send("POST", "/api/v1/assistant/apply", missing, op), 404))["error"]!["code"]);

        // The following "minute" (3 s here) is measured into the history.
        long id = (long)applied["history_id"]!;
        JsonNode record = await WaitForMeasured(viewer, id, ct);
        Assert.Equal("privacy", (string?)record["engine"]);
        Assert.True((double)record["fps"]! > 1, record.ToJsonString());
        Assert.True((double)record["latency_p95_ms"]! > 0, record.ToJsonString());
        Assert.NotNull(record["met_budget"]);

        // The CLI through the server: as a viewer it is refused (exit 8), as the operator it applies (Chinese: "keep it light").
        string[] args = ["suggest", "我在用笔记本，流畅一点", "--server", _url, "--source", "Host", "--filter", "AISP", "--apply"];
        (int refused, _, string refusedErr) = CliTests.RunCli(args, new Dictionary<string, string> { ["AISP_USER"] = Roles.Viewer, ["AISP_PASSWORD"] = Password });
        Assert.Equal(8, refused);
        Assert.Contains("FORBIDDEN", refusedErr, StringComparison.Ordinal);
        (int code, string output, string stderr) = CliTests.RunCli(args, new Dictionary<string, string> { ["AISP_USER"] = Roles.Operator, ["AISP_PASSWORD"] = Password });
        Assert.True(code == 0, stderr);
        Assert.Equal("performance", (string?)JsonNode.Parse(output)!["settings"]!["quality"]);
        Assert.Equal("performance", (string?)(await Settings(client, ct))["quality"]);
    }

    [Fact]
    public async Task An_obs_remote_asks_the_plugin_itself_through_the_vendor_request()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        CancellationToken ct = cts.Token;
        using ObsWebSocketClient client = await obs.ConnectAsync(ct);
        await ObsScene.AddPhotoAsync(client, "Deck", ct);
        await ObsScene.AddFilterAsync(client, obs, "Deck", "AISP", new JsonObject { ["engine"] = "none", ["compositor"] = "cpu" }, ct);

        // Asked without "apply": a strategy with reasons, nothing changes.
        JsonNode asked = await client.VendorAsync("Suggest", Target("make the swap smoother"), ct);
        Assert.Null(asked["error"]);
        Assert.False((bool)asked["applied"]!);
        Assert.Equal(0.9, (double)asked["strategy"]!["settings"]!["smoothing"]!);
        Assert.All(asked["strategy"]!["choices"]!.AsArray(), c => Assert.False(string.IsNullOrEmpty((string?)c!["reason"])));
        Assert.Equal("none", (string?)(await Settings(client, ct, "Deck"))["engine"]);

        // Applied, in Chinese ("pixelate everyone's face"): the filter changes.
        JsonObject apply = Target("给所有人的脸打马赛克");
        apply["apply"] = true;
        apply["request_id"] = "deck-7";
        JsonNode done = await client.VendorAsync("Suggest", apply, ct);
        Assert.True((bool)done["applied"]!, done.ToJsonString());
        Assert.Equal("deck-7", (string?)done["request_id"]);
        JsonNode settings = await Settings(client, ct, "Deck");
        Assert.Equal(("privacy", "pixelate"), ((string?)settings["engine"], (string?)settings["privacy_mode"]));

        // Nothing understood: nothing applied; no instruction: the error format.
        JsonObject nonsense = Target("what is the weather");
        nonsense["apply"] = true;
        JsonNode notUnderstood = await client.VendorAsync("Suggest", nonsense, ct);
        Assert.False((bool)notUnderstood["applied"]!);
        Assert.Equal("nothing", (string?)notUnderstood["strategy"]!["understood"]); // "not understood" is an answer, not an empty success
        Assert.Contains("weather", (string?)notUnderstood["strategy"]!["not_understood_text"], StringComparison.Ordinal); // OBS's data holds no string arrays
        Assert.Contains("background", (string?)notUnderstood["strategy"]!["can_do_text"], StringComparison.Ordinal);
        Assert.Equal("INVALID_REQUEST", (string?)(await client.VendorAsync("Suggest", Target(""), ct))["error"]!["code"]);
    }

    private static JsonObject Target(string instruction) => new() { ["source"] = "Deck", ["filter"] = "AISP", ["instruction"] = instruction };

    private static async Task<JsonNode> Settings(ObsWebSocketClient client, CancellationToken ct, string source = "Host")
    {
        JsonNode answer = await client.VendorAsync("GetSettings", new JsonObject { ["source"] = source, ["filter"] = "AISP" }, ct);
        return answer["settings"]!;
    }

    private async Task<JsonNode> WaitForMeasured(string token, long id, CancellationToken ct)
    {
        while (true)
        {
            JsonNode history = await ServerApi.Json(await _api.Send("GET", "/api/v1/assistant/history", null, token), 200);
            JsonNode? record = history["history"]!.AsArray().FirstOrDefault(h => (long)h!["id"]! == id);
            if (record?["fps"] is not null)
            {
                return record;
            }

            await Task.Delay(500, ct);
        }
    }
}
