using System.Text.Json.Nodes;

namespace Aisp.Server.Events;

/// <summary>One event as the server keeps and streams it: the plugin's vendor events (STATE_CHANGED, ENGINE_*, PERFORMANCE_ALERT, SYSTEM_ERROR) and, later, the server's own (TASK_*).</summary>
public sealed record ServerEvent(long Id, string Type, DateTimeOffset Time, string Source, string Filter, JsonObject Payload)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["type"] = Type,
        ["time"] = Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        ["source"] = Source,
        ["filter"] = Filter,
        ["payload"] = Payload.DeepClone(),
    };
}
