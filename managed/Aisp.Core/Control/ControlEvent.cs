using System.Text.Json.Nodes;

namespace Aisp.Core.Control;

/// <summary>One event of a filter, with the seed's names; hosts add which filter it is and send it on (obs-websocket vendor events) and log it.</summary>
public sealed record ControlEvent(string Type, DateTimeOffset Time, JsonObject Payload)
{
    public const string EngineStarted = "ENGINE_STARTED";
    public const string EngineStopped = "ENGINE_STOPPED";
    public const string PerformanceAlert = "PERFORMANCE_ALERT";
    public const string SystemError = "SYSTEM_ERROR";
    public const string StateChanged = "STATE_CHANGED";

    public string ToJson() => new JsonObject
    {
        ["type"] = Type,
        ["time"] = Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        ["payload"] = Payload.DeepClone(),
    }.ToJsonString();
}
