using System.Text.Json.Nodes;
using Aisp.Server.Obs;

namespace Aisp.Server.Events;

/// <summary>
/// Listens to the plugin's vendor events on a connection of its own (requests never wait behind
/// the event stream) and hands each to the <see cref="EventHub"/>. Reconnects after a loss with
/// the seed's retries, and waits longer between rounds (a minute at most) while OBS stays away.
/// </summary>
public sealed class ObsEventListener(ServerOptions options, EventHub hub, ILogger<ObsEventListener> log) : BackgroundService
{
    /// <summary>Whether the event connection to OBS is up now (events published meanwhile would be missed).</summary>
    public bool Connected { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan pause = options.ObsRetryBase;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using ObsWebSocketClient client = await ObsConnector.ConnectAsync(options, log, stoppingToken);
                pause = options.ObsRetryBase;
                Connected = true;
                while (await client.NextEventAsync(stoppingToken) is JsonNode ev)
                {
                    Forward(ev);
                }

                Connected = false;
                log.LogWarning("OBS closed the event connection; reconnecting");
            }
            catch (ObsUnavailableException e)
            {
                Connected = false;
                log.LogWarning("Events: {Message}", e.Message);
                await Task.Delay(pause, stoppingToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    private void Forward(JsonNode ev)
    {
        if ((string?)ev["eventType"] != "VendorEvent" || (string?)ev["eventData"]?["vendorName"] != "aisp")
        {
            return;
        }

        JsonNode data = ev["eventData"]!["eventData"]!;
        DateTimeOffset time = DateTimeOffset.TryParse((string?)data["time"], System.Globalization.CultureInfo.InvariantCulture, out DateTimeOffset t) ? t : DateTimeOffset.UtcNow;
        hub.Publish((string)ev["eventData"]!["eventType"]!, time, (string?)data["source"] ?? "", (string?)data["filter"] ?? "",
            data["payload"] is JsonObject p ? (JsonObject)p.DeepClone() : []);
    }
}
