using Aisp.Server;

namespace Aisp.Tests;

/// <summary>The lockout holds against parallel guesses and late failures, and its memory is bounded (on an injected clock).</summary>
public sealed class LoginThrottleTests
{
    private readonly ManualClock _clock = new();
    private readonly ServerOptions _options = new();

    [Fact]
    public void A_failure_that_arrives_while_the_key_is_locked_keeps_the_lock()
    {
        var throttle = new LoginThrottle(_options, _clock);
        for (int i = 0; i < _options.FailuresBeforeLockout; i++)
        {
            Assert.Null(throttle.TryBegin("OPERATOR|::1"));
            throttle.Failed("OPERATOR|::1");
        }

        Assert.NotNull(throttle.LockedFor("OPERATOR|::1"));
        _clock.Now += TimeSpan.FromSeconds(10);
        throttle.Failed("OPERATOR|::1"); // a guess that started before the lock ends after it
        Assert.True(throttle.LockedFor("OPERATOR|::1") > _options.Lockout - TimeSpan.FromSeconds(11), "a late failure reset the lock");
        Assert.NotNull(throttle.TryBegin("OPERATOR|::1"));
        _clock.Now += _options.Lockout;
        Assert.Null(throttle.TryBegin("OPERATOR|::1"));
    }

    [Fact]
    public void Parallel_guesses_check_no_more_passwords_than_the_lockout_allows()
    {
        var throttle = new LoginThrottle(_options, _clock);
        int checkedPasswords = 0;
        Parallel.For(0, 28, _ =>
        {
            if (throttle.TryBegin("OPERATOR|::1") is null)
            {
                Interlocked.Increment(ref checkedPasswords);
                throttle.Failed("OPERATOR|::1");
            }
        });

        Assert.InRange(checkedPasswords, 1, _options.FailuresBeforeLockout);
        Assert.NotNull(throttle.TryBegin("OPERATOR|::1")); // and the right password is not tried now
    }

    [Fact]
    public void Failed_names_are_not_kept_for_ever()
    {
        var throttle = new LoginThrottle(_options, _clock);
        for (int i = 0; i < LoginThrottle.MaxKeys * 2; i++)
        {
            string key = $"NOBODY{i}|::1";
            Assert.Null(throttle.TryBegin(key));
            throttle.Failed(key);
            _clock.Now += TimeSpan.FromMilliseconds(100);
        }

        Assert.InRange(throttle.Count, 1, LoginThrottle.MaxKeys);
    }
}
