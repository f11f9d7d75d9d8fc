using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Aisp.Tests;

/// <summary>
/// A stand-in obs-websocket server on loopback: Hello, Identify, Identified, and every
/// CallVendorRequest answered with an empty filter list. Enough for the server's connection
/// handling (reconnects, the circuit breaker) without a real OBS.
/// </summary>
internal sealed class FakeObs : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public FakeObs(int port)
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>A loopback port nothing listens on (yet).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Session(context));
        }
    }

    private async Task Session(HttpListenerContext context)
    {
        using WebSocket socket = (await context.AcceptWebSocketAsync("obswebsocket.json")).WebSocket;
        await Send(socket, new JsonObject { ["op"] = 0, ["d"] = new JsonObject { ["obsWebSocketVersion"] = "5.1.0", ["rpcVersion"] = 1 } });
        var buffer = new byte[1 << 16];
        while (socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
        {
            WebSocketReceiveResult r;
            try
            {
                r = await socket.ReceiveAsync(buffer, _stop.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                return;
            }

            if (r.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            JsonNode message = JsonNode.Parse(buffer.AsSpan(0, r.Count))!;
            switch ((int)message["op"]!)
            {
                case 1:
                    await Send(socket, new JsonObject { ["op"] = 2, ["d"] = new JsonObject { ["negotiatedRpcVersion"] = 1 } });
                    break;
                case 6:
                    await Send(socket, new JsonObject
                    {
                        ["op"] = 7,
                        ["d"] = new JsonObject
                        {
                            ["requestType"] = (string?)message["d"]!["requestType"],
                            ["requestId"] = (string?)message["d"]!["requestId"],
                            ["requestStatus"] = new JsonObject { ["result"] = true, ["code"] = 100 },
                            ["responseData"] = new JsonObject { ["vendorName"] = "aisp", ["responseData"] = new JsonObject { ["filters"] = new JsonArray() } },
                        },
                    });
                    break;
            }
        }
    }

    private static Task Send(WebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
