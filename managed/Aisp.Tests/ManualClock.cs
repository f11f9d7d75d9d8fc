namespace Aisp.Tests;

/// <summary>A clock that moves only when a test moves it, so timing tests do not depend on the machine's speed.</summary>
public sealed class ManualClock : TimeProvider
{
    /// <summary>Starts on a whole second: JWT times have whole seconds.</summary>
    public DateTimeOffset Now { get; set; } = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}
