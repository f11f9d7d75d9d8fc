using System.Net.WebSockets;

namespace Aisp.Server.Obs;

/// <summary>Connects and identifies to OBS's obs-websocket: one bounded attempt, or the seed's 3 retries after 1, 2 and 4 times <see cref="ServerOptions.ObsRetryBase"/>.</summary>
public static class ObsConnector
{
    public const int Retries = 3;

    /// <summary>A connection and identification that takes longer than this is taken as failed (a host that swallows packets never answers).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    public static async Task<ObsWebSocketClient> ConnectAsync(ServerOptions options, ILogger log, CancellationToken ct)
    {
        string why = "";
        for (int attempt = 0; attempt <= Retries; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(options.ObsRetryBase * (1 << (attempt - 1)), ct);
            }

            (ObsWebSocketClient? client, why) = await TryOnceAsync(options, ct);
            if (client is not null)
            {
                log.LogInformation("Connected to OBS at {Url}", options.ObsUrl);
                return client;
            }

            log.LogWarning("OBS at {Url}: attempt {Attempt} of {Count} failed: {Why}", options.ObsUrl, attempt + 1, Retries + 1, why);
        }

        throw new ObsUnavailableException($"OBS at {options.ObsUrl} cannot be reached after {Retries} retries: {why}");
    }

    /// <summary>One attempt within <see cref="AttemptTimeout"/>: the identified client, or null and why not.</summary>
    public static async Task<(ObsWebSocketClient? Client, string Why)> TryOnceAsync(ServerOptions options, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(AttemptTimeout);
        ObsWebSocketClient? client = null;
        string why;
        try
        {
            client = await ObsWebSocketClient.ConnectAsync(options.ObsUrl, options.ObsPassword, bounded.Token);
            if (await client.IdentifiedAsync(bounded.Token) is not null)
            {
                return (client, "");
            }

            why = client.CloseStatus == 4009 ? "OBS refused the password (set AISP_OBS_PASSWORD)" : $"OBS closed the connection ({client.CloseStatus})";
        }
        catch (WebSocketException e)
        {
            why = e.Message;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            why = $"no answer within {AttemptTimeout.TotalSeconds:0} s";
        }
        catch (InvalidOperationException e)
        {
            why = e.Message;
        }

        client?.Dispose();
        return (null, why);
    }
}
