using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aisp.Server;
using Aisp.Server.Obs;
using Aisp.Tests.Remote;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>
/// The AISP server drives a real OBS (Debian's obs-studio under xvfb) through obs-websocket and the
/// plugin's vendor only: an operator's engine switch through the REST API shows in OBS's own
/// screenshot; a viewer may look but not switch; OBS's errors and its absence keep the error format.
/// </summary>
[Collection(nameof(RemoteControlTests))] // alone, like the other real-OBS tests
public sealed class ServerObsTests(RealObs obs) : IClassFixture<RealObs>, IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-server-obs-").FullName;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = ServerApp.Build(new ServerOptions { DataDir = _dir, PasswordIterations = 1000, ObsUrl = obs.Url, ObsPassword = RealObs.Password },
            b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _http = _app.GetTestClient();
        var users = _app.Services.GetRequiredService<UserStore>();
        users.Add(Roles.Viewer, Password, Roles.Viewer);
        users.Add(Roles.Operator, Password, Roles.Operator);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task An_operator_switches_a_filter_through_the_api_and_obs_shows_it()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        CancellationToken ct = cts.Token;
        using ObsWebSocketClient client = await obs.ConnectAsync(ct);
        using Mat plain = await ObsScene.AddPlainFilteredPhotoAsync(client, obs, "Cam", "Face filter", ct);

        string viewer = await Login(Roles.Viewer), op = await Login(Roles.Operator);
        JsonNode listed = await Json(await Send(HttpMethod.Get, "/api/v1/filters", null, viewer), 200);
        Assert.Contains(listed["filters"]!.AsArray(), f => (string?)f!["source"] == "Cam" && (string?)f["filter"] == "Face filter" && (string?)f["engine"] == "none");
        const string path = "/api/v1/filters/Cam/Face%20filter";

        var privacy = new JsonObject { ["engine"] = "privacy" };
        Assert.Equal("FORBIDDEN", (string?)(await Json(await Send(HttpMethod.Patch, path + "/settings", privacy, viewer), 403))["error"]!["code"]);
        await Json(await Send(HttpMethod.Patch, path + "/settings", privacy, op), 200);
        double changed = await ObsScene.WaitForFaceAsync(client, "Cam", plain, d => d > 0.5, ct);
        Assert.True(changed > 0.5);
        JsonNode status = await Json(await Send(HttpMethod.Get, path + "/status", null, viewer), 200);
        Assert.Equal("privacy", (string?)status["status"]!["engine"]);

        JsonNode bad = (await Json(await Send(HttpMethod.Patch, path + "/settings", new JsonObject { ["engine"] = "sparkle" }, op), 400))["error"]!;
        Assert.Equal("INVALID_SETTINGS", (string?)bad["code"]);
        Assert.Contains("'engine'", (string?)bad["message"], StringComparison.Ordinal);
        Assert.Equal("FILTER_NOT_FOUND", (string?)(await Json(await Send(HttpMethod.Get, "/api/v1/filters/Cam/nope/status", null, viewer), 404))["error"]!["code"]);
        Assert.Equal("FORBIDDEN", (string?)(await Json(await Send(HttpMethod.Post, path + "/pause", null, viewer), 403))["error"]!["code"]);
        await Json(await Send(HttpMethod.Post, path + "/pause", null, op), 200);
        await ObsScene.WaitForFaceAsync(client, "Cam", plain, d => d > 0.5, ct, away: pixels => pixels > 10_000); // paused privacy covers the whole frame
        await Json(await Send(HttpMethod.Post, path + "/resume", null, op), 200);
        JsonNode system = await Json(await Send(HttpMethod.Get, "/api/v1/system", null, viewer), 200);
        Assert.Equal("connected", (string?)system["obs"]!["state"]);

        // Metrics: JSON and Prometheus, read permission, with this filter's live numbers.
        JsonNode metrics = await Json(await Send(HttpMethod.Get, "/api/v1/metrics", null, viewer), 200);
        JsonNode mine = metrics["filters"]!.AsArray().Single(f => (string?)f!["source"] == "Cam")!;
        Assert.True((double)mine["fps"]! > 5, mine.ToJsonString());
        Assert.InRange((double)metrics["system"]!["memory_percent"]!, 0.1, 100);
        await Json(await Send(HttpMethod.Get, "/api/v1/metrics/prometheus", null, null), 401);
        using HttpResponseMessage scrape = await Send(HttpMethod.Get, "/api/v1/metrics/prometheus", null, viewer);
        string text = await scrape.Content.ReadAsStringAsync(ct);
        Assert.Contains("aisp_obs_connected 1", text, StringComparison.Ordinal);
        Assert.Matches("aisp_filter_fps\\{source=\"Cam\",filter=\"Face filter\"\\} [1-9]", text);
    }

    [Fact]
    public async Task Obs_events_reach_the_stream_and_the_history()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        CancellationToken ct = cts.Token;
        using ObsWebSocketClient client = await obs.ConnectAsync(ct);
        string viewer = await Login(Roles.Viewer), op = await Login(Roles.Operator);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", viewer);
        using HttpResponseMessage stream = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(ct));
        Assert.Equal("READY", (await NextEvent(reader, _ => true, ct)).Type);
        for (int i = 0; i < 100 && (string?)(await Json(await Send(HttpMethod.Get, "/api/v1/system", null, viewer), 200))["obs"]!["events"] != "connected"; i++)
        {
            await Task.Delay(100, ct); // the server's event connection is up: nothing published from here on is missed
        }

        await ObsScene.AddPhotoAsync(client, "Stage", ct);
        await ObsScene.AddFilterAsync(client, obs, "Stage", "AISP", new JsonObject { ["engine"] = "privacy", ["compositor"] = "cpu" }, ct);
        (string _, JsonNode started) = await NextEvent(reader, e => (string?)e["source"] == "Stage" && (string?)e["type"] == "ENGINE_STARTED", ct);
        Assert.Equal("privacy", (string?)started["payload"]!["engine"]);
        await Json(await Send(HttpMethod.Post, "/api/v1/filters/Stage/AISP/pause", null, op), 200);
        (string type, JsonNode paused) = await NextEvent(reader, e => (string?)e["source"] == "Stage" && (string?)e["payload"]!["to"] == "PAUSED", ct);
        Assert.Equal("STATE_CHANGED", type);

        JsonNode history = await Json(await Send(HttpMethod.Get, $"/api/v1/events?after={(long)started["id"]! - 1}", null, viewer), 200);
        Assert.Contains(history.AsArray(), e => (long)e!["id"]! == (long)paused["id"]! && (string?)e["payload"]!["to"] == "PAUSED");
    }

    /// <summary>Reads Server-Sent Events until one whose JSON data <paramref name="match"/> accepts; returns its event type and data.</summary>
    private static async Task<(string Type, JsonNode Data)> NextEvent(StreamReader reader, Func<JsonNode, bool> match, CancellationToken ct)
    {
        string type = "", data = "";
        while (await reader.ReadLineAsync(ct).AsTask().WaitAsync(ct) is string line) // WaitAsync: a test server's body may not observe the token
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.Length == 0 && data.Length > 0)
            {
                JsonNode parsed = JsonNode.Parse(data)!;
                if (match(parsed))
                {
                    return (type, parsed);
                }

                (type, data) = ("", "");
            }
        }

        throw new Xunit.Sdk.XunitException("the event stream ended");
    }

    [Fact]
    public async Task Without_obs_the_api_says_so_and_keeps_trying_in_the_background()
    {
        await using WebApplication lonely = ServerApp.Build(
            new ServerOptions { DataDir = Path.Combine(_dir, "lonely"), PasswordIterations = 1000, ObsUrl = new Uri("ws://127.0.0.1:9"), ObsRetryBase = TimeSpan.FromMilliseconds(50) },
            b => b.WebHost.UseTestServer());
        await lonely.StartAsync();
        lonely.Services.GetRequiredService<UserStore>().Add(Roles.Viewer, Password, Roles.Viewer);
        HttpClient http = lonely.GetTestClient();
        JsonNode login = JsonNode.Parse(await (await http.PostAsJsonAsync("/api/v1/auth/login", new { username = Roles.Viewer, password = Password })).Content.ReadAsStringAsync())!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/filters");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)login["access_token"]!);
        using HttpResponseMessage r = await http.SendAsync(request);
        JsonNode error = JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal((503, "OBS_UNAVAILABLE"), ((int)r.StatusCode, (string?)error["code"]));
        // Issue 27: the retries (with their backoff) go on in the background; a call answers after the first attempt.
        Assert.Contains("reconnecting in the background", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(r.Headers.GetValues(ApiErrors.RequestIdHeader).Single(), (string?)error["request_id"]);

        using var metricsRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/metrics");
        metricsRequest.Headers.Authorization = request.Headers.Authorization;
        JsonNode metrics = JsonNode.Parse(await (await http.SendAsync(metricsRequest)).Content.ReadAsStringAsync())!;
        Assert.StartsWith("unavailable", (string?)metrics["obs"], StringComparison.Ordinal); // the machine's numbers still come
        Assert.Empty(metrics["filters"]!.AsArray());
    }

    private async Task<string> Login(string user) => (string)(await new ServerApi(_http).Login(user, Password))["access_token"]!;

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, JsonObject? body, string? token) => new ServerApi(_http).Send(method.Method, path, body, token);

    private static Task<JsonNode> Json(HttpResponseMessage r, int status) => ServerApi.Json(r, status);
}
