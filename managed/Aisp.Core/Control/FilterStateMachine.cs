using System.Text.Json.Nodes;

namespace Aisp.Core.Control;

/// <summary>
/// One filter's state. Only the seed's transitions happen (<see cref="FilterStates"/>); a move to a
/// state not directly reachable walks the shortest allowed chain, each step a STATE_CHANGED event.
/// </summary>
public sealed class FilterStateMachine(Action<ControlEvent> emit)
{
    public FilterState State { get; private set; } = FilterState.Init;

    /// <summary>Moves to <paramref name="to"/> (by allowed steps); false when no allowed chain leads there (the state stays).</summary>
    public bool MoveTo(FilterState to, string reason)
    {
        IReadOnlyList<FilterState> path = FilterStates.Path(State, to);
        if (path.Count == 0)
        {
            return State == to;
        }

        foreach (FilterState step in path)
        {
            FilterState from = State;
            State = step;
            emit(new ControlEvent(ControlEvent.StateChanged, DateTimeOffset.UtcNow, new JsonObject
            {
                ["from"] = FilterStates.Name(from),
                ["to"] = FilterStates.Name(step),
                ["reason"] = reason,
            }));
        }

        return true;
    }
}
