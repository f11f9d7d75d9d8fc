namespace Aisp.Server;

/// <summary>
/// Lockout after repeated failed logins, per user name and client address: the next try is refused
/// until the lockout ends. A try is reserved before its password is checked (<see cref="TryBegin"/>),
/// so parallel guesses cannot all pass the check before the first failures lock the key; a failure
/// that arrives while the key is locked never unlocks it. Memory is bounded: user names are capped
/// by the login endpoint, and keys that hold no lockout are forgotten once stale or when there are
/// too many of them.
/// </summary>
public sealed class LoginThrottle(ServerOptions options, TimeProvider clock)
{
    /// <summary>At most this many keys are remembered; past it, keys without a lockout are dropped first.</summary>
    public const int MaxKeys = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _state = new(StringComparer.Ordinal);

    /// <summary>Keys remembered now (for tests of the bound).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _state.Count;
            }
        }
    }

    /// <summary>When the key is locked out, the time left; else null.</summary>
    public TimeSpan? LockedFor(string key)
    {
        lock (_gate)
        {
            DateTimeOffset now = clock.GetUtcNow();
            return _state.TryGetValue(key, out Entry s) && s.Until > now ? s.Until - now : null;
        }
    }

    /// <summary>
    /// Reserves one try for the key: null when it may check a password now (then <see cref="Failed"/>
    /// or <see cref="Succeeded"/> must follow), else how long the key stays locked. Tries in flight
    /// count as failures until they end, so no more than the allowed number are ever checked at once.
    /// </summary>
    public TimeSpan? TryBegin(string key)
    {
        lock (_gate)
        {
            DateTimeOffset now = clock.GetUtcNow();
            _state.TryGetValue(key, out Entry s);
            if (s.Until > now)
            {
                return s.Until - now;
            }

            if (s.Failures + s.InFlight >= options.FailuresBeforeLockout)
            {
                return options.Lockout; // the tries in flight may lock it: wait as a lockout would
            }

            Forget(now);
            _state[key] = s with { InFlight = s.InFlight + 1, Seen = now };
            return null;
        }
    }

    public void Failed(string key)
    {
        lock (_gate)
        {
            DateTimeOffset now = clock.GetUtcNow();
            _state.TryGetValue(key, out Entry s);
            s = s with { InFlight = Math.Max(0, s.InFlight - 1), Seen = now };
            if (s.Until > now)
            {
                _state[key] = s; // locked already: a late failure keeps the lock as it is
                return;
            }

            int failures = s.Failures + 1;
            _state[key] = failures >= options.FailuresBeforeLockout
                ? s with { Failures = 0, Until = now + options.Lockout }
                : s with { Failures = failures, Until = DateTimeOffset.MinValue };
        }
    }

    public void Succeeded(string key)
    {
        lock (_gate)
        {
            if (_state.TryGetValue(key, out Entry s) && s.InFlight > 1)
            {
                _state[key] = s with { InFlight = s.InFlight - 1, Failures = 0 };
                return;
            }

            _state.Remove(key);
        }
    }

    public static string Key(string user, HttpContext context) => $"{user.ToUpperInvariant()}|{context.Connection.RemoteIpAddress}";

    /// <summary>Drops keys with no lockout and no try in flight that were last seen a lockout ago, and, past <see cref="MaxKeys"/>, the oldest such keys.</summary>
    private void Forget(DateTimeOffset now)
    {
        if (_state.Count < MaxKeys)
        {
            return;
        }

        foreach ((string key, Entry e) in _state.ToArray())
        {
            if (e.Until <= now && e.InFlight == 0 && now - e.Seen > options.Lockout)
            {
                _state.Remove(key);
            }
        }

        if (_state.Count >= MaxKeys)
        {
            foreach ((string key, _) in _state.Where(p => p.Value.Until <= now && p.Value.InFlight == 0).OrderBy(p => p.Value.Seen).Take(_state.Count - (MaxKeys / 2)).ToArray())
            {
                _state.Remove(key);
            }
        }
    }

    private record struct Entry(int Failures, DateTimeOffset Until, int InFlight, DateTimeOffset Seen);
}
