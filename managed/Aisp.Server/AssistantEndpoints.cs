using System.Security.Claims;
using System.Text.Json.Nodes;
using Aisp.Core;
using Aisp.Core.Assistant;
using Aisp.Server.Assistant;
using Aisp.Server.Obs;

namespace Aisp.Server;

/// <summary>
/// /api/v1/assistant: plain-language instructions to a strategy. Suggest (read: nothing changes),
/// apply to a filter (write: the operator's role), and the history of applied strategies with what
/// was measured after each.
/// </summary>
public static class AssistantEndpoints
{
    public sealed record Ask(string? Instruction, string? Source, string? Filter);

    public static void Map(IEndpointRouteBuilder api)
    {
        RouteGroupBuilder assistant = api.MapGroup("/assistant");
        assistant.MapPost("/suggest", (Ask body, HttpContext c, AssistantService service) => Run(body, c, service, apply: false, null)).RequireAuthorization(Roles.Read);
        assistant.MapPost("/apply", (Ask body, HttpContext c, AssistantService service, ClaimsPrincipal user) => Run(body, c, service, apply: true, user)).RequireAuthorization(Roles.Write);
        assistant.MapGet("/history", (AssistantService service, int? limit) => Results.Json(new JsonObject
        {
            ["history"] = new JsonArray(service.History.Recent(Math.Clamp(limit ?? 50, 1, 500)).Select(h => (JsonNode)h.ToJson()).ToArray()),
        })).RequireAuthorization(Roles.Read);
    }

    private static async Task<IResult> Run(Ask body, HttpContext c, AssistantService service, bool apply, ClaimsPrincipal? user)
    {
        string instruction = body.Instruction?.Trim() ?? "";
        if (instruction.Length is 0 or > 1000)
        {
            return Invalid(c, "\"instruction\" must be 1 to 1000 characters of plain language");
        }

        if ((body.Source is null) != (body.Filter is null) || (apply && body.Source is null))
        {
            return Invalid(c, apply ? "apply needs \"source\" and \"filter\": the filter to change" : "\"source\" and \"filter\" go together");
        }

        FilterTarget? target = body.Source is null ? null : new FilterTarget(body.Source, body.Filter!);
        try
        {
            Strategy strategy = await service.SuggestAsync(instruction, target, c.RequestAborted);
            if (!apply || strategy.Choices.Count == 0)
            {
                // Nothing to change (or only asked): OBS is not touched, and "applied" says so.
                JsonObject answered = strategy.ToJson();
                if (apply)
                {
                    answered["applied"] = false;
                }

                return Results.Json(answered);
            }

            (JsonNode answer, long? id) = await service.ApplyAsync(strategy, target!, c.RequestAborted);
            if (answer["error"] is JsonObject error)
            {
                return VendorErrors.FromError(c, error);
            }

            JsonObject json = strategy.ToJson();
            json["applied"] = id is not null;
            json["history_id"] = id;
            json["applied_by"] = user?.Identity?.Name;
            return Results.Json(json);
        }
        catch (VendorRefusedException e)
        {
            return VendorErrors.FromError(c, e.Error);
        }
        catch (Exception e) when (VendorErrors.FromException(c, e) is { } refused)
        {
            return refused;
        }
        catch (AispException e)
        {
            return ApiErrors.Result(c, 500, "ASSISTANT_ERROR", "the assistant could not make a strategy", e.Message, "look at the server log");
        }
    }

    private static IResult Invalid(HttpContext c, string reason) =>
        ApiErrors.Result(c, 400, "INVALID_INSTRUCTION", "the instruction cannot be used", reason,
            "send {\"instruction\": \"blur everyone except me\", \"source\": \"Camera\", \"filter\": \"AISP\"}");
}
