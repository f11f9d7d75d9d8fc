using Aisp.Server.Obs;
using Prometheus;

namespace Aisp.Server.Metrics;

/// <summary>
/// The same numbers for a Prometheus scraper, through prometheus-net: gauges refreshed from a fresh
/// <see cref="MetricsSnapshot"/> just before each scrape, in a registry of this server's own.
/// </summary>
public sealed class PrometheusMetrics
{
    private static readonly string[] FilterLabels = ["source", "filter"];

    private readonly Gauge _cpu, _memory, _obsUp, _jobsWaiting, _jobsRunning, _serverAlert, _fps, _latency, _faces, _errorRate, _alert;

    public PrometheusMetrics(ObsBridge obs, ServerAlerts alerts, Jobs.JobScheduler scheduler)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        MetricFactory f = Prometheus.Metrics.WithCustomRegistry(Registry);
        _cpu = f.CreateGauge("aisp_system_cpu_percent", "Whole-machine CPU use");
        _memory = f.CreateGauge("aisp_system_memory_percent", "Whole-machine memory in use");
        _obsUp = f.CreateGauge("aisp_obs_connected", "1 when the server is connected to OBS");
        _jobsWaiting = f.CreateGauge("aisp_jobs_waiting", "File jobs in the queue, not started yet");
        _jobsRunning = f.CreateGauge("aisp_jobs_running", "File jobs running now");
        _serverAlert = f.CreateGauge("aisp_server_alert", "1 while the seed's alert is raised for the server's machine or queue", ["alert"]);
        _fps = f.CreateGauge("aisp_filter_fps", "Frames per second through the filter", FilterLabels);
        _latency = f.CreateGauge("aisp_filter_latency_p95_ms", "p95 of the filter's total per-frame time", FilterLabels);
        _faces = f.CreateGauge("aisp_filter_faces", "Faces in the newest frame", FilterLabels);
        _errorRate = f.CreateGauge("aisp_filter_error_rate_percent", "Failed frames among all frames", FilterLabels);
        _alert = f.CreateGauge("aisp_filter_alert", "1 while the seed's alert is raised", ["source", "filter", "alert"]);
        Registry.AddBeforeCollectCallback(async ct => Update(await MetricsSnapshot.TakeAsync(obs, alerts, scheduler, ct)));
    }

    public CollectorRegistry Registry { get; }

    private void Update(MetricsSnapshot s)
    {
        _cpu.Set(double.IsNaN(s.CpuPercent) ? 0 : s.CpuPercent);
        _memory.Set(double.IsNaN(s.MemoryPercent) ? 0 : s.MemoryPercent);
        _obsUp.Set(s.Obs == "connected" ? 1 : 0);
        _jobsWaiting.Set(s.Server.JobsWaiting);
        _jobsRunning.Set(s.Server.JobsRunning);
        foreach (Gauge g in new[] { _fps, _latency, _faces, _errorRate, _alert, _serverAlert })
        {
            foreach (string[] labels in g.GetAllLabelValues().ToArray())
            {
                g.RemoveLabelled(labels); // filters that are gone leave no stale series
            }
        }

        foreach (string alert in s.Server.Alerts)
        {
            _serverAlert.WithLabels(alert.Split(' ')[0]).Set(1);
        }

        foreach (FilterMetrics m in s.Filters)
        {
            _fps.WithLabels(m.Source, m.Filter).Set(m.Fps);
            _latency.WithLabels(m.Source, m.Filter).Set(m.LatencyP95Ms);
            _faces.WithLabels(m.Source, m.Filter).Set(m.Faces);
            _errorRate.WithLabels(m.Source, m.Filter).Set(m.ErrorRatePercent);
            foreach (string alert in m.Alerts)
            {
                _alert.WithLabels(m.Source, m.Filter, alert.Split(' ')[0]).Set(1);
            }
        }
    }
}
