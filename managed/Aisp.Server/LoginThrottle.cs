using System.Collections.Concurrent;

namespace Aisp.Server;

/// <summary>Lockout after repeated failed logins, per user name and client address: the next try is refused until the lockout ends.</summary>
public sealed class LoginThrottle(ServerOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Until)> _state = new();

    /// <summary>When the key is locked out, the time left; else null.</summary>
    public TimeSpan? LockedFor(string key)
    {
        DateTimeOffset now = clock.GetUtcNow();
        return _state.TryGetValue(key, out var s) && s.Until > now ? s.Until - now : null;
    }

    public void Failed(string key) => _state.AddOrUpdate(key, _ => Next(0), (_, s) => Next(s.Until > clock.GetUtcNow() ? 0 : s.Failures));

    public void Succeeded(string key) => _state.TryRemove(key, out _);

    public static string Key(string user, HttpContext context) => $"{user.ToUpperInvariant()}|{context.Connection.RemoteIpAddress}";

    private (int, DateTimeOffset) Next(int failures)
    {
        failures++;
        return failures >= options.FailuresBeforeLockout ? (0, clock.GetUtcNow() + options.Lockout) : (failures, DateTimeOffset.MinValue);
    }
}
