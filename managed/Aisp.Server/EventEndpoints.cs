using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Aisp.Server.Events;

namespace Aisp.Server;

/// <summary>/api/v1/events: the history (read) and the live stream as Server-Sent Events (read).</summary>
public static class EventEndpoints
{
    public const int MaxPage = 500;

    public static void Map(IEndpointRouteBuilder api)
    {
        // ?after=ID pages forward from an event; ?newest=N gives the latest N (the dashboard's first look). Oldest first either way.
        api.MapGet("/events", (EventHistory history, long? after, int? limit, int? newest) =>
            Results.Json((newest is int n ? history.Newest(Math.Clamp(n, 1, MaxPage)) : history.After(after ?? 0, Math.Clamp(limit ?? 100, 1, MaxPage))).Select(e => e.ToJson())))
            .RequireAuthorization(Roles.Read);
        api.MapGet("/events/stream", (EventHub hub, CancellationToken ct) => TypedResults.ServerSentEvents(Stream(hub, ct))).RequireAuthorization(Roles.Read);
    }

    private static async IAsyncEnumerable<SseItem<string>> Stream(EventHub hub, [EnumeratorCancellation] CancellationToken ct)
    {
        var stream = hub.Open();
        try
        {
            yield return new SseItem<string>("{}", "READY"); // from here on the client receives every event
            await foreach (ServerEvent ev in stream.Reader.ReadAllAsync(ct))
            {
                yield return new SseItem<string>(ev.ToJson().ToJsonString(), ev.Type) { EventId = ev.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }
        finally
        {
            hub.Close(stream);
        }
    }
}
