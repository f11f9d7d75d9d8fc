using System.Net.WebSockets;

namespace Aisp.Server.Obs;

/// <summary>Connects and identifies to OBS's obs-websocket, with the seed's 3 retries after 1, 2 and 4 times <see cref="ServerOptions.ObsRetryBase"/>.</summary>
public static class ObsConnector
{
    public const int Retries = 3;

    public static async Task<ObsWebSocketClient> ConnectAsync(ServerOptions options, ILogger log, CancellationToken ct)
    {
        string why = "";
        for (int attempt = 0; attempt <= Retries; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(options.ObsRetryBase * (1 << (attempt - 1)), ct);
            }

            ObsWebSocketClient? client = null;
            try
            {
                client = await ObsWebSocketClient.ConnectAsync(options.ObsUrl, options.ObsPassword, ct);
                if (await client.IdentifiedAsync(ct) is not null)
                {
                    log.LogInformation("Connected to OBS at {Url}", options.ObsUrl);
                    return client;
                }

                why = client.CloseStatus == 4009 ? "OBS refused the password (set AISP_OBS_PASSWORD)" : $"OBS closed the connection ({client.CloseStatus})";
            }
            catch (WebSocketException e)
            {
                why = e.Message;
            }

            client?.Dispose();
            log.LogWarning("OBS at {Url}: attempt {Attempt} of {Count} failed: {Why}", options.ObsUrl, attempt + 1, Retries + 1, why);
        }

        throw new ObsUnavailableException($"OBS at {options.ObsUrl} cannot be reached after {Retries} retries: {why}");
    }
}
