using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aisp.Server.Obs;

/// <summary>
/// A minimal obs-websocket 5 client (the protocol every OBS remote speaks): Hello, Identify with
/// the protocol's challenge-response authentication, requests, and the vendor requests of the
/// plugin through CallVendorRequest. Events received while waiting for a response are kept (the
/// newest <see cref="MaxEvents"/>). One request at a time: callers serialise (<see cref="ObsBridge"/>).
/// </summary>
public sealed class ObsWebSocketClient : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[1 << 22];
    private int _nextId;

    public const int MaxEvents = 1000;

    public List<JsonNode> Events { get; } = [];

    /// <summary>Connects and identifies; throws <see cref="WebSocketException"/> or returns the close status when OBS refuses.</summary>
    public static async Task<ObsWebSocketClient> ConnectAsync(Uri url, string password, CancellationToken ct)
    {
        var client = new ObsWebSocketClient();
        client._socket.Options.AddSubProtocol("obswebsocket.json");
        await client._socket.ConnectAsync(url, ct);
        JsonNode hello = await client.ReceiveAsync(ct) ?? throw new InvalidOperationException("OBS closed the connection before Hello");
        var identify = new JsonObject { ["rpcVersion"] = 1, ["eventSubscriptions"] = 1 << 9 }; // Vendor events
        if (hello["d"]?["authentication"] is JsonNode auth)
        {
            identify["authentication"] = Authentication(password, (string)auth["salt"]!, (string)auth["challenge"]!);
        }

        await client.SendAsync(new JsonObject { ["op"] = 1, ["d"] = identify }, ct);
        return client;
    }

    /// <summary>The protocol's answer: base64(sha256(base64(sha256(password + salt)) + challenge)).</summary>
    public static string Authentication(string password, string salt, string challenge)
    {
        string secret = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(password + salt)));
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret + challenge)));
    }

    /// <summary>Waits for Identified (op 2); null when OBS closed the connection instead (then <see cref="CloseStatus"/> says why).</summary>
    public async Task<JsonNode?> IdentifiedAsync(CancellationToken ct)
    {
        for (JsonNode? message = await ReceiveAsync(ct); message is not null; message = await ReceiveAsync(ct))
        {
            if ((int)message["op"]! == 2)
            {
                return message;
            }
        }

        return null;
    }

    public int? CloseStatus => (int?)_socket.CloseStatus;

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Sends a request (op 6) and returns its response's "d" (requestStatus and responseData).</summary>
    public async Task<JsonNode> RequestAsync(string type, JsonObject? data, CancellationToken ct)
    {
        string id = $"t{++_nextId}";
        var d = new JsonObject { ["requestType"] = type, ["requestId"] = id };
        if (data is not null)
        {
            d["requestData"] = data;
        }

        await SendAsync(new JsonObject { ["op"] = 6, ["d"] = d }, ct);
        while (true)
        {
            JsonNode message = await ReceiveAsync(ct) ?? throw new InvalidOperationException($"OBS closed the connection during {type} ({CloseStatus})");
            int op = (int)message["op"]!;
            if (op == 7 && (string)message["d"]!["requestId"]! == id)
            {
                return message["d"]!;
            }

            if (op == 5)
            {
                Keep(message["d"]!);
            }
        }
    }

    private void Keep(JsonNode ev)
    {
        if (Events.Count == MaxEvents)
        {
            Events.RemoveAt(0);
        }

        Events.Add(ev);
    }

    /// <summary>A request of the plugin's vendor ("aisp"): the vendor's own response data.</summary>
    public async Task<JsonNode> VendorAsync(string type, JsonObject data, CancellationToken ct)
    {
        var call = new JsonObject { ["vendorName"] = "aisp", ["requestType"] = type };
        if (data.Count > 0)
        {
            call["requestData"] = data; // obs-websocket refuses an empty object
        }

        JsonNode response = await RequestAsync("CallVendorRequest", call, ct);
        if (!(bool)response["requestStatus"]!["result"]!)
        {
            throw new InvalidOperationException($"CallVendorRequest {type} failed: {response["requestStatus"]!.ToJsonString()}");
        }

        return response["responseData"]!["responseData"]!;
    }

    /// <summary>
    /// Waits for a vendor event of the plugin (its type and its data: source, filter, time, payload)
    /// that <paramref name="match"/> accepts; events seen earlier count too. Null on timeout.
    /// </summary>
    public async Task<JsonNode?> VendorEventAsync(string type, Func<JsonNode, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        int checkedUpTo = 0;
        while (true)
        {
            for (; checkedUpTo < Events.Count; checkedUpTo++)
            {
                JsonNode e = Events[checkedUpTo];
                if ((string?)e["eventType"] == "VendorEvent" && (string?)e["eventData"]!["vendorName"] == "aisp"
                    && (string?)e["eventData"]!["eventType"] == type && match(e["eventData"]!["eventData"]!))
                {
                    return e["eventData"]!["eventData"];
                }
            }

            JsonNode? message;
            try
            {
                message = await ReceiveAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return null;
            }

            if (message is null)
            {
                return null;
            }

            if ((int)message["op"]! == 5)
            {
                Keep(message["d"]!);
            }
        }
    }

    /// <summary>The next event OBS sends (an op 5 message's "d"), or null when the connection closed.</summary>
    public async Task<JsonNode?> NextEventAsync(CancellationToken ct)
    {
        while (true)
        {
            JsonNode? message = await ReceiveAsync(ct);
            if (message is null || (int)message["op"]! == 5)
            {
                return message?["d"];
            }
        }
    }

    private async Task SendAsync(JsonObject message, CancellationToken ct) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, ct);

    private async Task<JsonNode?> ReceiveAsync(CancellationToken ct)
    {
        int length = 0;
        while (true)
        {
            ValueWebSocketReceiveResult r;
            try
            {
                r = await _socket.ReceiveAsync(_buffer.AsMemory(length), ct);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (r.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += r.Count;
            if (r.EndOfMessage)
            {
                return JsonNode.Parse(_buffer.AsSpan(0, length));
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
