using System.Text.Json.Nodes;

namespace Aisp.Server.Obs;

/// <summary>How a failed call to the plugin's vendor reads in the seed's error format, for every endpoint that makes one.</summary>
public static class VendorErrors
{
    /// <summary>OBS unreachable (503) or refusing the request (502); null for other exceptions, which are not the vendor's.</summary>
    public static IResult? FromException(HttpContext context, Exception e) => e switch
    {
        ObsUnavailableException => ApiErrors.Result(context, 503, "OBS_UNAVAILABLE", e.Message, "the server cannot reach OBS's obs-websocket server",
            "start OBS with its WebSocket server enabled and check the server's --obs-url and AISP_OBS_PASSWORD"),
        InvalidOperationException => ApiErrors.Result(context, 502, "OBS_REQUEST_FAILED", e.Message, "OBS refused the request (is the AISP plugin installed?)",
            "check that OBS loaded the AISP plugin: its log says 'obs-websocket vendor 'aisp' registered'"),
        _ => null,
    };

    /// <summary>The vendor's own error (already in the seed's format), re-issued with this request's id: FILTER_NOT_FOUND 404, PATH_NOT_ALLOWED 403, others 400.</summary>
    public static IResult FromError(HttpContext context, JsonObject error)
    {
        string code = (string?)error["code"] ?? "OBS_ERROR";
        return ApiErrors.Result(context, code switch { "FILTER_NOT_FOUND" => 404, "PATH_NOT_ALLOWED" => 403, _ => 400 }, code, (string?)error["message"] ?? code,
            (string?)error["details"]?["reason"] ?? "", (string?)error["details"]?["suggestion"] ?? "");
    }
}
