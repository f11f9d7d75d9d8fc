using Aisp.Server.Metrics;
using Aisp.Server.Obs;
using Prometheus;

namespace Aisp.Server;

/// <summary>/api/v1/metrics (JSON) and /api/v1/metrics/prometheus (Prometheus text format), both read.</summary>
public static class MetricsEndpoints
{
    public static void Map(IEndpointRouteBuilder api, PrometheusMetrics prometheus)
    {
        api.MapGet("/metrics", async (ObsBridge obs, ServerAlerts alerts, Jobs.JobScheduler scheduler, CancellationToken ct) =>
            Results.Json((await MetricsSnapshot.TakeAsync(obs, alerts, scheduler, ct)).ToJson())).RequireAuthorization(Roles.Read);
        api.MapMetrics("/metrics/prometheus", prometheus.Registry).RequireAuthorization(Roles.Read);
    }
}
