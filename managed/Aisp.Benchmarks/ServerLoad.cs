using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aisp.Core.Control;
using Aisp.Server.Obs;

namespace Aisp.Benchmarks;

/// <summary>
/// The server under a dashboard crowd, not a test: 50 clients on the event stream plus 200 status
/// requests a second for a minute, against a running "aisp serve" that talks to a running OBS (the
/// status goes server -> obs-websocket -> the plugin's vendor and back). An engine switch every five
/// seconds makes events; every stream must receive every one. Prints a Markdown table row.
/// </summary>
public static class ServerLoad
{
    private const int Clients = 50, RequestsPerSecond = 200;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(Uri server, Uri obsUrl, string user, string password)
    {
        using var cts = new CancellationTokenSource(Duration + TimeSpan.FromMinutes(2));
        CancellationToken ct = cts.Token;
        using ObsWebSocketClient obs = await ObsWebSocketClient.ConnectAsync(obsUrl, Environment.GetEnvironmentVariable("AISP_OBS_PASSWORD") ?? "", ct);
        _ = await obs.IdentifiedAsync(ct) ?? throw new InvalidOperationException("OBS refused the password");
        string scene = (string)(await obs.RequestAsync("GetCurrentProgramScene", null, ct))["responseData"]!["currentProgramSceneName"]!;
        await obs.RequestAsync("CreateInput", new JsonObject
        {
            ["sceneName"] = scene, ["inputName"] = "Bench", ["inputKind"] = "image_source", ["inputSettings"] = new JsonObject { ["file"] = BenchFrames.Astronaut },
        }, ct);
        await obs.RequestAsync("CreateSourceFilter", new JsonObject
        {
            ["sourceName"] = "Bench", ["filterName"] = "AISP", ["filterKind"] = "aisp_face_filter",
            ["filterSettings"] = new JsonObject { ["engine"] = "privacy", ["compositor"] = "cpu" },
        }, ct);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1000, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = server,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        using HttpResponseMessage login = await http.PostAsJsonAsync("/api/v1/auth/login", new { username = user, password }, ct);
        string token = (string)(await login.Content.ReadFromJsonAsync<JsonNode>(ct))!["access_token"]!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        const string filter = "/api/v1/filters/Bench/AISP";
        await WaitForStatus(http, filter + "/status", ct);

        // The crowd: 50 streams, each counting the events it receives (READY marks it live).
        using var streams = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var received = new int[Clients];
        var ready = new TaskCompletionSource[Clients];
        var readers = new Task[Clients];
        for (int i = 0; i < Clients; i++)
        {
            int n = i;
            ready[n] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            readers[n] = Task.Run(() => Listen(http, ready[n], () => Interlocked.Increment(ref received[n]), streams.Token), CancellationToken.None);
        }

        await Task.WhenAll(ready.Select(r => r.Task));
        long firstEvent = await NewestEventId(http, ct);

        var load = new SystemLoad();
        load.CpuPercent();
        var latencies = new List<double>(RequestsPerSecond * (int)Duration.TotalSeconds);
        int errors = 0, sent = 0;
        var inflight = new List<Task>();
        var clock = Stopwatch.StartNew();
        string[] engines = ["landmarks", "privacy"];
        for (long next = 0; clock.Elapsed < Duration; next++)
        {
            TimeSpan due = TimeSpan.FromSeconds((double)next / RequestsPerSecond);
            while (clock.Elapsed < due)
            {
                await Task.Delay(1, ct);
            }

            if (next % (RequestsPerSecond * 5) == RequestsPerSecond * 5 - 1)
            {
                inflight.Add(Switch(http, filter, engines[(next / (RequestsPerSecond * 5)) % 2], () => Interlocked.Increment(ref errors), ct));
            }

            sent++;
            inflight.Add(Status(http, filter + "/status", latencies, () => Interlocked.Increment(ref errors), ct));
        }

        await Task.WhenAll(inflight);
        double seconds = clock.Elapsed.TotalSeconds, cpu = load.CpuPercent();
        await Task.Delay(1000, ct); // the last events reach the streams
        long lastEvent = await NewestEventId(http, ct);
        await streams.CancelAsync();
        await Task.WhenAll(readers);

        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        long expected = lastEvent - firstEvent;
        string Ms(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        Console.WriteLine("| event-stream clients | status requests | rate (req/s) | errors | p50 ms | p95 ms | p99 ms | max ms | events per stream (min / max / published) | machine CPU |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {Clients} | {sent} | {(sent / seconds).ToString("0", CultureInfo.InvariantCulture)} | {errors} | {Ms(P(0.5))} | {Ms(P(0.95))} | {Ms(P(0.99))} | {Ms(latencies[^1])} | {received.Min()} / {received.Max()} / {expected} | {cpu.ToString("0", CultureInfo.InvariantCulture)} % |");
        return errors == 0 && received.Min() >= expected ? 0 : 1;
    }

    private static async Task Listen(HttpClient http, TaskCompletionSource ready, Action received, CancellationToken ct)
    {
        try
        {
            using HttpResponseMessage r = await http.GetAsync("/api/v1/events/stream", HttpCompletionOption.ResponseHeadersRead, ct);
            r.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await r.Content.ReadAsStreamAsync(ct));
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line == "event: READY")
                {
                    ready.TrySetResult();
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    received();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            ready.TrySetException(e);
        }
    }

    private static async Task Status(HttpClient http, string path, List<double> latencies, Action failed, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            using HttpResponseMessage r = await http.GetAsync(path, ct);
            await r.Content.ReadAsByteArrayAsync(ct);
            if (!r.IsSuccessStatusCode)
            {
                failed();
            }
        }
        catch (HttpRequestException)
        {
            failed();
        }

        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        lock (latencies)
        {
            latencies.Add(ms);
        }
    }

    private static async Task Switch(HttpClient http, string filter, string engine, Action failed, CancellationToken ct)
    {
        using HttpResponseMessage r = await http.PatchAsJsonAsync(filter + "/settings", new { engine }, ct);
        if (!r.IsSuccessStatusCode)
        {
            failed();
        }
    }

    private static async Task WaitForStatus(HttpClient http, string path, CancellationToken ct)
    {
        for (int i = 0; ; i++)
        {
            using HttpResponseMessage r = await http.GetAsync(path, ct);
            if (r.IsSuccessStatusCode)
            {
                return;
            }

            if (i == 100)
            {
                throw new InvalidOperationException($"the filter's status never answered: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}");
            }

            await Task.Delay(200, ct);
        }
    }

    private static async Task<long> NewestEventId(HttpClient http, CancellationToken ct)
    {
        JsonNode newest = (await http.GetFromJsonAsync<JsonNode>("/api/v1/events?newest=1", ct))!;
        return newest.AsArray().Count == 0 ? 0 : (long)newest[0]!["id"]!;
    }
}
