using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Aisp.Server.Events;

/// <summary>
/// The seed's event flow: record (SQLite history), run subscribers, update state (the newest state
/// per filter), broadcast (every open stream). A slow stream loses its oldest undelivered events,
/// never the server's memory or another stream's. An event the history cannot keep (a full disk)
/// still reaches subscribers and streams, with id 0: the live view goes on, and the log says why.
/// </summary>
public sealed class EventHub(EventHistory history, ILogger<EventHub> log)
{
    public const int StreamBuffer = 256;

    private readonly ConcurrentDictionary<Channel<ServerEvent>, byte> _streams = new();
    private readonly ConcurrentDictionary<string, string> _states = new();
    private readonly List<Action<ServerEvent>> _subscribers = [];
    private readonly Lock _gate = new();

    /// <summary>The newest STATE_CHANGED state per filter ("source/filter" -> state).</summary>
    public IReadOnlyDictionary<string, string> States => _states;

    public void Subscribe(Action<ServerEvent> subscriber)
    {
        lock (_gate)
        {
            _subscribers.Add(subscriber);
        }
    }

    public ServerEvent Publish(string type, DateTimeOffset time, string source, string filter, JsonObject payload)
    {
        lock (_gate) // one event at a time: history, state and streams agree on the order
        {
            ServerEvent ev;
            try
            {
                ev = history.Record(type, time, source, filter, payload);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                log.LogError("Event {Type} not kept in the history: {Message}", type, e.Message);
                ev = new ServerEvent(0, type, time, source, filter, payload);
            }

            foreach (Action<ServerEvent> subscriber in _subscribers)
            {
                try
                {
                    subscriber(ev);
                }
#pragma warning disable CA1031 // a failing subscriber must not stop the others or the broadcast
                catch (Exception e)
#pragma warning restore CA1031
                {
                    log.LogError("Event subscriber failed on {Type} {Id}: {Message}", type, ev.Id, e.Message);
                }
            }

            if (type == "STATE_CHANGED" && (string?)payload["to"] is { } state)
            {
                _states[$"{source}/{filter}"] = state;
            }

            foreach (Channel<ServerEvent> stream in _streams.Keys)
            {
                stream.Writer.TryWrite(ev);
            }

            return ev;
        }
    }

    /// <summary>A stream of the events published from now on; give it back with <see cref="Close"/>.</summary>
    public Channel<ServerEvent> Open()
    {
        var stream = Channel.CreateBounded<ServerEvent>(new BoundedChannelOptions(StreamBuffer) { FullMode = BoundedChannelFullMode.DropOldest });
        _streams[stream] = 0;
        return stream;
    }

    public void Close(Channel<ServerEvent> stream) => _streams.TryRemove(stream, out _);
}
