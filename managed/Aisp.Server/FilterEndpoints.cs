using System.Text.Json.Nodes;
using Aisp.Server.Obs;

namespace Aisp.Server;

/// <summary>
/// /api/v1/filters: every AISP filter in OBS, through the plugin's obs-websocket vendor: list,
/// status, settings (read); change settings and source face (write); pause and resume (execute).
/// The vendor's errors come back in the seed's format with this request's id.
/// </summary>
public static class FilterEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        RouteGroupBuilder filters = api.MapGroup("/filters");
        filters.MapGet("/", (HttpContext c, ObsBridge obs) => Call(c, obs, "ListFilters", [])).RequireAuthorization(Roles.Read);
        RouteGroupBuilder one = filters.MapGroup("/{source}/{filter}");
        one.MapGet("/status", (string source, string filter, HttpContext c, ObsBridge obs) => Call(c, obs, "GetStatus", Target(source, filter))).RequireAuthorization(Roles.Read);
        one.MapGet("/settings", (string source, string filter, HttpContext c, ObsBridge obs) => Call(c, obs, "GetSettings", Target(source, filter))).RequireAuthorization(Roles.Read);
        one.MapPatch("/settings", (string source, string filter, JsonObject settings, HttpContext c, ObsBridge obs) =>
            Call(c, obs, "SetSettings", Target(source, filter, ("settings", settings)))).RequireAuthorization(Roles.Write);
        one.MapPost("/source-face", (string source, string filter, JsonObject body, HttpContext c, ObsBridge obs) =>
            Call(c, obs, "SetSourceFace", Target(source, filter, ("path", body["path"]?.DeepClone())))).RequireAuthorization(Roles.Write);
        one.MapPost("/pause", (string source, string filter, HttpContext c, ObsBridge obs) => Call(c, obs, "Pause", Target(source, filter))).RequireAuthorization(Roles.Execute);
        one.MapPost("/resume", (string source, string filter, HttpContext c, ObsBridge obs) => Call(c, obs, "Resume", Target(source, filter))).RequireAuthorization(Roles.Execute);
    }

    private static JsonObject Target(string source, string filter, params (string Key, JsonNode? Value)[] extra)
    {
        var o = new JsonObject { ["source"] = source, ["filter"] = filter };
        foreach ((string key, JsonNode? value) in extra)
        {
            o[key] = value;
        }

        return o;
    }

    private static async Task<IResult> Call(HttpContext context, ObsBridge obs, string request, JsonObject data)
    {
        data["request_id"] = context.TraceIdentifier;
        JsonNode answer;
        try
        {
            answer = await obs.VendorAsync(request, data, context.RequestAborted);
        }
        catch (Exception e) when (VendorErrors.FromException(context, e) is { } refused)
        {
            return refused;
        }

        if (answer["error"] is JsonObject error)
        {
            return VendorErrors.FromError(context, error);
        }

        return Results.Json(answer);
    }
}
