namespace Aisp.Core.Control;

/// <summary>The seed's filter states (their names are the wire format: <see cref="FilterStates.Name"/>).</summary>
public enum FilterState
{
    /// <summary>Created, nothing loaded yet.</summary>
    Init,

    /// <summary>Cannot run yet: no models, or a swap engine without its source face.</summary>
    Waiting,

    /// <summary>Models loading.</summary>
    Starting,

    /// <summary>Running, no face in view.</summary>
    Idle,

    /// <summary>Faces being processed.</summary>
    Processing,

    /// <summary>Filter disabled or paused.</summary>
    Paused,

    /// <summary>The engine or analysis is failing.</summary>
    Error,

    /// <summary>Reloading after an error, with backoff.</summary>
    Retry,

    /// <summary>Removed; final.</summary>
    Completed,
}

/// <summary>The seed's state names and the transitions it allows (ARCHITECTURE has the table).</summary>
public static class FilterStates
{
    private static readonly FilterState[][] Allowed =
    [
        /* Init */ [FilterState.Starting, FilterState.Waiting, FilterState.Error, FilterState.Completed],
        /* Waiting */ [FilterState.Starting, FilterState.Idle, FilterState.Processing, FilterState.Paused, FilterState.Error, FilterState.Completed],
        /* Starting */ [FilterState.Idle, FilterState.Processing, FilterState.Waiting, FilterState.Paused, FilterState.Error, FilterState.Completed],
        /* Idle */ [FilterState.Processing, FilterState.Waiting, FilterState.Starting, FilterState.Paused, FilterState.Error, FilterState.Completed],
        /* Processing */ [FilterState.Idle, FilterState.Waiting, FilterState.Starting, FilterState.Paused, FilterState.Error, FilterState.Completed],
        /* Paused */ [FilterState.Idle, FilterState.Processing, FilterState.Waiting, FilterState.Starting, FilterState.Completed],
        /* Error */ [FilterState.Retry, FilterState.Starting, FilterState.Paused, FilterState.Completed],
        /* Retry */ [FilterState.Starting, FilterState.Error, FilterState.Completed],
        /* Completed */ [],
    ];

    public static string Name(FilterState s) => s switch
    {
        FilterState.Init => "INIT",
        FilterState.Waiting => "WAITING",
        FilterState.Starting => "STARTING",
        FilterState.Idle => "IDLE",
        FilterState.Processing => "PROCESSING",
        FilterState.Paused => "PAUSED",
        FilterState.Error => "ERROR",
        FilterState.Retry => "RETRY",
        _ => "COMPLETED",
    };

    public static bool CanMove(FilterState from, FilterState to) => Array.IndexOf(Allowed[(int)from], to) >= 0;

    /// <summary>The shortest chain of allowed steps from <paramref name="from"/> to <paramref name="to"/> (without <paramref name="from"/>), empty when none or already there.</summary>
    public static IReadOnlyList<FilterState> Path(FilterState from, FilterState to)
    {
        if (from == to)
        {
            return [];
        }

        var previous = new Dictionary<FilterState, FilterState>();
        var queue = new Queue<FilterState>([from]);
        while (queue.Count > 0)
        {
            FilterState s = queue.Dequeue();
            foreach (FilterState next in Allowed[(int)s])
            {
                if (next == from || !previous.TryAdd(next, s))
                {
                    continue;
                }

                if (next == to)
                {
                    var path = new List<FilterState> { to };
                    for (FilterState p = s; p != from; p = previous[p])
                    {
                        path.Insert(0, p);
                    }

                    return path;
                }

                queue.Enqueue(next);
            }
        }

        return [];
    }
}
