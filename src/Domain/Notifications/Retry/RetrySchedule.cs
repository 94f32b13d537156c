namespace Vigil.Domain.Notifications.Retry;

/// <summary>What to do after a failed attempt.</summary>
public readonly record struct RetryDecision(bool GiveUp, DateTimeOffset RetryAt, string Reason);

/// <summary>
/// Exponential back-off with jitter: the n-th retry waits <c>min(Max, Initial * 2^(n-1))</c> scaled by a jitter
/// factor in [0.5, 1) (the random part is passed in, so tests are exact), and never less than the receiver's
/// Retry-After. A failure that is not retryable, or a retry that would fall after the deadline, gives up.
/// </summary>
public sealed record RetrySchedule(TimeSpan Initial, TimeSpan Max)
{
    public static readonly RetrySchedule Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    public TimeSpan Backoff(int attempt, double jitter)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var raw = Math.Min(Max.TotalMilliseconds, Initial.TotalMilliseconds * Math.Pow(2, exponent));
        var factor = 0.5 + (Math.Clamp(jitter, 0, 1) / 2);
        return TimeSpan.FromMilliseconds(raw * factor);
    }

    /// <param name="attempt">How many attempts were made (1 after the first).</param>
    /// <param name="jitter">A random number in [0, 1).</param>
    public RetryDecision Next(int attempt, DeliveryOutcome outcome, DateTimeOffset now, DateTimeOffset deadline, double jitter)
    {
        if (!outcome.Retryable)
        {
            return new RetryDecision(true, now, $"{outcome.Reason.Text()} is not retried");
        }

        var delay = Backoff(attempt, jitter);
        if (outcome.RetryAfter is { } retryAfter && retryAfter > delay)
        {
            delay = retryAfter;
        }

        var at = now + delay;
        return at > deadline
            ? new RetryDecision(true, at, "the delivery deadline has passed")
            : new RetryDecision(false, at, outcome.RetryAfter is not null && delay == outcome.RetryAfter ? "as Retry-After asks" : "back-off");
    }
}
