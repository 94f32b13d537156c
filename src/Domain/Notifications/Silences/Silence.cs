using Vigil.Domain.Labels;

namespace Vigil.Domain.Notifications.Silences;

public enum SilenceState
{
    /// <summary>Starts later.</summary>
    Pending,

    /// <summary>Mutes matching alerts now.</summary>
    Active,

    /// <summary>Ended (or was expired with DELETE); kept for a while so it can still be read.</summary>
    Expired,
}

/// <summary>
/// A silence (Alertmanager's): between <see cref="StartsAt"/> and <see cref="EndsAt"/>, alerts whose labels match
/// every matcher are not notified. They still fire, are listed as muted, and a resolve of an alert whose firing was
/// notified is always delivered (no missing resolves). When the silence ends while the alert still fires, its
/// receivers hear about it at the group's next interval.
/// </summary>
public sealed record Silence(
    string Id,
    IReadOnlyList<LabelMatcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment,
    DateTimeOffset UpdatedAt)
{
    public SilenceState StateAt(DateTimeOffset now) =>
        now < StartsAt ? SilenceState.Pending : now < EndsAt ? SilenceState.Active : SilenceState.Expired;

    public bool Mutes(LabelSet labels, DateTimeOffset now) => StateAt(now) == SilenceState.Active && LabelMatcher.MatchesAll(Matchers, labels);

    /// <summary>
    /// The problems of a silence about to be stored (empty: valid). At least one matcher must not match an empty
    /// value, else the silence would mute every alert; the end must be after the start and in the future.
    /// </summary>
    public static IReadOnlyList<(string Field, string Reason)> Validate(IReadOnlyList<LabelMatcher> matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, string? createdBy, string? comment, DateTimeOffset now)
    {
        var errors = new List<(string, string)>();
        if (matchers.Count == 0)
        {
            errors.Add(("matchers", "Give at least one matcher, e.g. [\"service=api\"]."));
        }
        else if (matchers.All(m => m.Matches(string.Empty)))
        {
            errors.Add(("matchers", "Every matcher also matches alerts without the label, so this silence would mute all alerts; add a matcher that needs a value (e.g. service=api)."));
        }

        if (endsAt <= startsAt)
        {
            errors.Add(("endsAt", "endsAt must be after startsAt."));
        }
        else if (endsAt <= now)
        {
            errors.Add(("endsAt", "endsAt is in the past: the silence would never be active."));
        }
        else if (endsAt - startsAt > MaxDuration)
        {
            errors.Add(("endsAt", $"A silence lasts at most {MaxDuration.TotalDays:0} days; for a standing rule use muteTimes or a route."));
        }

        if (string.IsNullOrWhiteSpace(createdBy))
        {
            errors.Add(("createdBy", "Say who creates the silence (createdBy), so others know whom to ask."));
        }
        else if (createdBy.Length > 200)
        {
            errors.Add(("createdBy", "At most 200 characters."));
        }

        if (string.IsNullOrWhiteSpace(comment))
        {
            errors.Add(("comment", "Say why (comment): a silence without a reason is soon a mystery."));
        }
        else if (comment.Length > 2000)
        {
            errors.Add(("comment", "At most 2000 characters."));
        }

        return errors;
    }

    /// <summary>The longest silence accepted.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(90);
}

/// <summary>Decides which silences mute an alert at one instant.</summary>
public sealed class Silencer
{
    private readonly Silence[] _active;

    public Silencer(IEnumerable<Silence> silences, DateTimeOffset now)
    {
        Now = now;
        _active = [.. silences.Where(s => s.StateAt(now) == SilenceState.Active)];
    }

    public static readonly Silencer None = new([], DateTimeOffset.MinValue);

    public DateTimeOffset Now { get; }

    /// <summary>The ids of the active silences that mute an alert with these labels.</summary>
    public IReadOnlyList<string> SilencedBy(LabelSet labels)
    {
        List<string>? ids = null;
        foreach (var silence in _active)
        {
            if (LabelMatcher.MatchesAll(silence.Matchers, labels))
            {
                (ids ??= []).Add(silence.Id);
            }
        }

        return ids ?? (IReadOnlyList<string>)[];
    }
}
