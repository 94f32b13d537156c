using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Time;

namespace Vigil.Domain.Notifications.RateLimits;

/// <summary>
/// At most <see cref="Count"/> messages per <see cref="Period"/> to one receiver, with bursts of up to
/// <see cref="Burst"/> back to back. Written <c>"1/s"</c>, <c>"120/1m"</c>, <c>"10/1m burst 5"</c>.
/// Messages over the limit wait for their slot (queued, never dropped).
/// </summary>
public sealed partial record RateLimit(int Count, TimeSpan Period, int Burst)
{
    /// <summary>Slack incoming webhooks: about one message per second (short bursts tolerated).</summary>
    public static readonly RateLimit Slack = new(1, TimeSpan.FromSeconds(1), 3);

    /// <summary>PagerDuty Events API v2: 120 events per minute per routing key.</summary>
    public static readonly RateLimit PagerDuty = new(120, TimeSpan.FromMinutes(1), 10);

    /// <summary>The time between two messages at the sustained rate.</summary>
    public TimeSpan Spacing => Period / Count;

    public static RateLimit? DefaultFor(ChannelKind kind) => kind switch
    {
        ChannelKind.Slack => Slack,
        ChannelKind.PagerDuty => PagerDuty,
        _ => null,
    };

    public static bool TryParse(string text, out RateLimit? limit, out string? error)
    {
        limit = null;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            error = $"'{text}' is not a rate: write COUNT/PERIOD such as \"1/s\", \"120/1m\", optionally followed by \"burst N\".";
            return false;
        }

        var count = int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture);
        var periodText = match.Groups["period"].Value;
        var period = periodText switch
        {
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            _ => DurationText.TryParse(periodText, out var parsed) ? parsed : TimeSpan.Zero,
        };
        var burst = match.Groups["burst"].Success ? int.Parse(match.Groups["burst"].Value, CultureInfo.InvariantCulture) : 1;
        if (count <= 0 || period <= TimeSpan.Zero || period > TimeSpan.FromDays(1) || burst <= 0 || burst > 1000)
        {
            error = $"'{text}': the count and burst must be at least 1 and the period between 1ms and 1d.";
            return false;
        }

        limit = new RateLimit(count, period, burst);
        error = null;
        return true;
    }

    /// <summary>
    /// The generic cell rate algorithm: given the stored theoretical arrival time (<paramref name="tat"/>, null for a
    /// fresh limiter), when the next message may go (not before <paramref name="now"/>) and the TAT to store after it.
    /// A message never waits for nothing and never loses its turn: it is given the first free slot.
    /// </summary>
    public (DateTimeOffset SendAt, DateTimeOffset NewTat) Reserve(DateTimeOffset? tat, DateTimeOffset now)
    {
        var spacing = Spacing;
        var tolerance = spacing * (Burst - 1);
        var current = tat is { } t && t > now ? t : now;
        var sendAt = current - tolerance > now ? current - tolerance : now;
        return (sendAt, current + spacing);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Count}/{DurationText.Format(Period)}{(Burst > 1 ? $" burst {Burst}" : string.Empty)}");

    [GeneratedRegex(@"^(?<count>\d{1,6})\s*/\s*(?<period>s|m|h|\d+(ms|s|m|h))(\s+burst\s+(?<burst>\d{1,4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
