using System.Text.Json.Nodes;

namespace Aisp.Core.Control;

/// <summary>
/// The seed's alerts over a sliding window with hysteresis: an alert is raised once when the
/// window's mean passes its threshold, and cleared once when the mean falls below 90 % of it, so
/// a value hovering at the line neither floods the event stream nor flickers in the status. With
/// <paramref name="holdSeconds"/> the hysteresis is in time too: an alert keeps its state at least
/// that long after each change, so a load that swings across both lines every few seconds (a
/// machine's CPU) raises and clears at most once per hold.
/// </summary>
public sealed class AlertMonitor(Action<ControlEvent> emit, double windowSeconds = 3, IReadOnlyList<AlertRule>? rules = null, double holdSeconds = 0)
{
    public const double ClearFraction = 0.9;

    private readonly IReadOnlyList<AlertRule> _rules = rules ?? AlertRule.Seed;
    private readonly Queue<(double Time, LoadSample Sample)> _window = new();
    private readonly HashSet<string> _raised = [];
    private readonly Dictionary<string, double> _changed = [];

    /// <summary>The alerts raised now, as "name level" words (the status line shows them).</summary>
    public IReadOnlyCollection<string> Raised => _raised;

    /// <summary>Adds a sample taken at <paramref name="seconds"/> (any monotonic clock) and raises or clears alerts.</summary>
    public void Add(double seconds, LoadSample sample)
    {
        _window.Enqueue((seconds, sample));
        while (_window.Count > 1 && seconds - _window.Peek().Time > windowSeconds)
        {
            _window.Dequeue();
        }

        if (seconds - _window.Peek().Time < windowSeconds * 0.5)
        {
            return; // too little history to judge yet
        }

        foreach (AlertRule rule in _rules)
        {
            double mean = Mean(rule.Name);
            if (double.IsNaN(mean))
            {
                continue; // not measurable here (no visible GPU)
            }

            if (_changed.TryGetValue(rule.Name, out double changed) && seconds - changed < holdSeconds)
            {
                continue; // held: it changed state too recently
            }

            bool raised = _raised.Contains(rule.Name);
            if (!raised && mean > rule.Threshold)
            {
                _raised.Add(rule.Name);
                _changed[rule.Name] = seconds;
                emit(Event(rule, mean, "raised"));
            }
            else if (raised && mean < rule.Threshold * ClearFraction)
            {
                _raised.Remove(rule.Name);
                _changed[rule.Name] = seconds;
                emit(Event(rule, mean, "cleared"));
            }
        }
    }

    public string Summary() => string.Join(", ", _rules.Where(r => _raised.Contains(r.Name)).Select(r => $"{r.Name} {r.Level}"));

    private double Mean(string rule)
    {
        double sum = 0;
        int n = 0;
        foreach ((_, LoadSample s) in _window)
        {
            double v = s.Value(rule);
            if (!double.IsNaN(v))
            {
                sum += v;
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }

    private static ControlEvent Event(AlertRule rule, double value, string state) => new(ControlEvent.PerformanceAlert, DateTimeOffset.UtcNow, new JsonObject
    {
        ["alert"] = rule.Name,
        ["level"] = rule.Level,
        ["state"] = state,
        ["value"] = Math.Round(value, 2),
        ["threshold"] = rule.Threshold,
        ["unit"] = rule.Unit,
    });
}
