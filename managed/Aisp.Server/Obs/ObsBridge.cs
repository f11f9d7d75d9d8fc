using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Aisp.Server.Obs;

/// <summary>OBS could not be reached (after the retries), or it closed the connection.</summary>
public sealed class ObsUnavailableException(string message) : Exception(message);

/// <summary>
/// The server's one connection to OBS, through obs-websocket and the plugin's vendor "aisp" (the
/// server talks to OBS no other way). Connects on first use; when a call finds the connection
/// gone it reconnects with exponential backoff (the seed's 3 retries: 1, 2, 4 s by default), then
/// gives up with a clear state until the next call. One request at a time.
/// </summary>
public sealed class ObsBridge(ServerOptions options, ILogger<ObsBridge> log) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private ObsWebSocketClient? _client;

    /// <summary>"connected", "disconnected" (not tried yet or closed) or why the last attempt failed.</summary>
    public string State { get; private set; } = "disconnected";

    /// <summary>Calls a vendor request; returns the vendor's response (which may hold the seed's "error" object).</summary>
    public async Task<JsonNode> VendorAsync(string type, JsonObject data, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            ObsWebSocketClient client = _client ?? await ConnectAsync(ct);
            try
            {
                return await client.VendorAsync(type, data, ct);
            }
            catch (Exception e) when (e is WebSocketException || !client.IsOpen) // the connection, not the request, failed
            {
                Drop($"connection lost: {e.Message}");
                client = await ConnectAsync(ct);
                return await client.VendorAsync(type, data, ct);
            }
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<ObsWebSocketClient> ConnectAsync(CancellationToken ct)
    {
        try
        {
            _client = await ObsConnector.ConnectAsync(options, log, ct);
            State = "connected";
            return _client;
        }
        catch (ObsUnavailableException e)
        {
            State = $"unavailable: {e.Message}";
            throw;
        }
    }

    private void Drop(string why)
    {
        _client?.Dispose();
        _client = null;
        State = "disconnected";
        log.LogWarning("OBS {Why}; reconnecting", why);
    }

    public void Dispose()
    {
        _client?.Dispose();
        _one.Dispose();
    }
}
