using System.Text.Json.Nodes;

namespace Aisp.Server;

/// <summary>
/// The seed's error format for every error the API gives, 401/403/404/405/429/500 included:
/// {"error":{"code","message","details":{"reason","suggestion"},"timestamp","request_id"}}, with the
/// request id also in the X-Request-Id header (and the log scope).
/// </summary>
public static class ApiErrors
{
    public const string RequestIdHeader = "X-Request-Id";

    public static JsonObject Body(HttpContext context, string code, string message, string reason, string suggestion) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["details"] = new JsonObject { ["reason"] = reason, ["suggestion"] = suggestion },
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["request_id"] = context.TraceIdentifier,
        },
    };

    public static IResult Result(HttpContext context, int status, string code, string message, string reason, string suggestion) =>
        Results.Json(Body(context, code, message, reason, suggestion), statusCode: status);

    public static Task Write(HttpContext context, int status, string code, string message, string reason, string suggestion)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Body(context, code, message, reason, suggestion));
    }

    /// <summary>The error of a bare status (no body yet): what the framework answered by itself.</summary>
    public static Task ForStatus(HttpContext context) => context.Response.StatusCode switch
    {
        400 => Write(context, 400, "INVALID_REQUEST", "the request could not be read", "the body is not the JSON this endpoint takes",
            "the OpenAPI document at /api/v1/openapi.json shows every body"),
        401 => Write(context, 401, "UNAUTHORIZED", "authentication required", "no valid access token came with the request (missing, expired or forged)",
            "log in at POST /api/v1/auth/login, or refresh at POST /api/v1/auth/refresh, and send Authorization: Bearer TOKEN"),
        403 => Write(context, 403, "FORBIDDEN", "your role may not do this", "the request needs a permission your role lacks",
            "viewer: read; operator: read write execute; admin: also manage_users system_config"),
        404 => Write(context, 404, "NOT_FOUND", $"no such resource: {context.Request.Path}", "nothing is served at this path",
            "the OpenAPI document at /api/v1/openapi.json lists every endpoint"),
        405 => Write(context, 405, "METHOD_NOT_ALLOWED", $"{context.Request.Method} is not allowed on {context.Request.Path}", "the path exists with other methods",
            "the OpenAPI document at /api/v1/openapi.json lists the methods"),
        429 => Write(context, 429, "RATE_LIMITED", "too many requests", "this client sent more requests than allowed", "wait and try again"),
        int status => Write(context, status, "HTTP_" + status, "the request failed", "the server answered with this status", "see the server log for the request id"),
    };
}
