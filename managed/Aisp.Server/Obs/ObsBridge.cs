using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Aisp.Server.Obs;

/// <summary>OBS could not be reached (after the retries), or it closed the connection.</summary>
public sealed class ObsUnavailableException(string message) : Exception(message);

/// <summary>
/// The server's one connection to OBS, through obs-websocket and the plugin's vendor "aisp" (the
/// server talks to OBS no other way). A circuit breaker: connecting happens in the background;
/// a call waits for the first attempt only, and while OBS stays away every call answers
/// <see cref="ObsUnavailableException"/> at once (503 OBS_UNAVAILABLE) as the background keeps
/// trying with exponential backoff (from <see cref="ServerOptions.ObsRetryBase"/>, at most
/// <see cref="ServerOptions.ObsRetryMax"/>). No call ever holds the request lock while connecting,
/// and a request OBS does not answer in time drops the connection instead of blocking the rest.
/// </summary>
public sealed class ObsBridge(ServerOptions options, ILogger<ObsBridge> log, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private ObsWebSocketClient? _client;
    private Task? _reconnecting;
    private TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _down;

    /// <summary>"connected", "disconnected" (not tried yet or closed) or why the last attempt failed.</summary>
    public string State { get; private set; } = "disconnected";

    /// <summary>Calls a vendor request; returns the vendor's response (which may hold the seed's "error" object).</summary>
    public async Task<JsonNode> VendorAsync(string type, JsonObject data, CancellationToken ct)
    {
        ObsWebSocketClient client = await ConnectedAsync(ct);
        try
        {
            return await CallAsync(client, type, data, ct);
        }
        catch (ObsConnectionLostException)
        {
            // OBS restarted (or the socket broke): one fresh attempt, as a user would retry.
            return await CallAsync(await ConnectedAsync(ct), type, data, ct);
        }
    }

    /// <summary>Completes when a connection to OBS is up (now or later).</summary>
    public Task WhenConnectedAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            StartReconnecting();
            return _connected.Task.WaitAsync(ct);
        }
    }

    private async Task<JsonNode> CallAsync(ObsWebSocketClient client, string type, JsonObject data, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(options.ObsRequestTimeout);
            try
            {
                return await client.VendorAsync(type, data, bounded.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Drop(client, $"did not answer {type} within {options.ObsRequestTimeout.TotalSeconds:0} s");
                throw new ObsUnavailableException($"OBS at {options.ObsUrl} did not answer within {options.ObsRequestTimeout.TotalSeconds:0} s; reconnecting in the background");
            }
            catch (Exception e) when (e is WebSocketException || !client.IsOpen) // the connection, not the request, failed
            {
                Drop(client, $"connection lost: {e.Message}");
                throw new ObsConnectionLostException();
            }
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>The open connection; or the first attempt's outcome when none is being tried yet; or, while OBS is known down, an answer at once.</summary>
    private async Task<ObsWebSocketClient> ConnectedAsync(CancellationToken ct)
    {
        Task attempt;
        lock (_gate)
        {
            if (_client is not null)
            {
                return _client;
            }

            if (_down && _reconnecting is { IsCompleted: false })
            {
                throw Unavailable();
            }

            StartReconnecting();
            attempt = _firstAttempt.Task;
        }

        await attempt.WaitAsync(ct);
        lock (_gate)
        {
            return _client ?? throw Unavailable();
        }
    }

    private ObsUnavailableException Unavailable() => new($"OBS at {options.ObsUrl} is not reachable ({State}); reconnecting in the background");

    /// <summary>Starts the background loop unless it runs (call under the gate).</summary>
    private void StartReconnecting()
    {
        if (_client is not null || _reconnecting is { IsCompleted: false })
        {
            return;
        }

        _firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _down = false;
        _reconnecting = Task.Run(ReconnectAsync);
    }

    private async Task ReconnectAsync()
    {
        TimeSpan pause = options.ObsRetryBase;
        while (!_stopping.IsCancellationRequested)
        {
            (ObsWebSocketClient? client, string why) = await ObsConnector.TryOnceAsync(options, _stopping.Token);
            lock (_gate)
            {
                _client = client;
                _down = client is null;
                State = client is not null ? "connected" : $"unavailable: {why}";
                if (client is not null)
                {
                    _connected.TrySetResult();
                }
            }

            _firstAttempt.TrySetResult();
            if (client is not null)
            {
                log.LogInformation("Connected to OBS at {Url}", options.ObsUrl);
                return;
            }

            log.LogWarning("OBS at {Url} unavailable ({Why}); next try in {Pause} s", options.ObsUrl, why, pause.TotalSeconds);
            try
            {
                await Task.Delay(pause, clock, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, options.ObsRetryMax.Ticks));
        }
    }

    private void Drop(ObsWebSocketClient client, string why)
    {
        lock (_gate)
        {
            if (_client == client)
            {
                _client = null;
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                State = "disconnected";
            }
        }

        client.Dispose();
        log.LogWarning("OBS {Why}; reconnecting", why);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        lock (_gate)
        {
            _client?.Dispose();
            _client = null;
        }

        _one.Dispose();
        _stopping.Dispose();
    }

    /// <summary>The socket broke during a call: the call may try once more on a fresh connection.</summary>
    private sealed class ObsConnectionLostException : Exception;
}
