using System.Diagnostics;

namespace Aisp.Server;

/// <summary>/api/v1/system: what any user may see (read), and the server's configuration for admins (system_config).</summary>
public static class SystemEndpoints
{
    private static readonly long Started = Stopwatch.GetTimestamp();

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/system", (Obs.ObsBridge obs, Events.ObsEventListener events, ServerOptions o) => Results.Json(new
        {
            version = Aisp.Core.BuildInfo.Version,
            build = Aisp.Core.BuildInfo.Describe(),
            uptime_s = Math.Round(Stopwatch.GetElapsedTime(Started).TotalSeconds, 1),
            obs = new { url = o.ObsUrl.ToString(), state = obs.State, events = events.Connected ? "connected" : "disconnected" },
        })).RequireAuthorization(Roles.Read);
        api.MapGet("/system/config", (ServerOptions o) => Results.Json(new
        {
            data_dir = o.DataDir,
            urls = o.Urls,
            https = o.CertificatePath is not null,
            access_token_s = o.AccessTokenLifetime.TotalSeconds,
            refresh_token_s = o.RefreshTokenLifetime.TotalSeconds,
            failures_before_lockout = o.FailuresBeforeLockout,
            lockout_s = o.Lockout.TotalSeconds,
        })).RequireAuthorization(Roles.SystemConfig);
    }
}
