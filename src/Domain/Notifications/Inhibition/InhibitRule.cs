using Vigil.Domain.Labels;

namespace Vigil.Domain.Notifications.Inhibition;

/// <summary>
/// While an alert matching <see cref="Source"/> fires, alerts matching <see cref="Target"/> that have the same
/// values for every label in <see cref="Equal"/> are not notified (Alertmanager's inhibit rule: a critical
/// "service down" silences the warnings of the same service). An alert never inhibits itself.
/// </summary>
public sealed record InhibitRule(IReadOnlyList<LabelMatcher> Source, IReadOnlyList<LabelMatcher> Target, IReadOnlyList<string> Equal)
{
    public bool IsSource(LabelSet labels) => LabelMatcher.MatchesAll(Source, labels);

    public bool IsTarget(LabelSet labels) => LabelMatcher.MatchesAll(Target, labels);

    /// <summary>Whether <paramref name="source"/> (a firing alert matching the source matchers) inhibits <paramref name="target"/>.</summary>
    public bool Inhibits(LabelSet source, LabelSet target) =>
        source != target && Equal.All(name => (source.Get(name) ?? string.Empty) == (target.Get(name) ?? string.Empty));
}

/// <summary>A firing alert that may inhibit others.</summary>
public sealed record InhibitionSource(string Fingerprint, LabelSet Labels);

/// <summary>Decides which alerts are inhibited, given the rules and the alerts currently firing.</summary>
public sealed class Inhibitor
{
    private readonly IReadOnlyList<(InhibitRule Rule, IReadOnlyList<InhibitionSource> Sources)> _rules;

    public Inhibitor(IReadOnlyList<InhibitRule> rules, IEnumerable<InhibitionSource> firing)
    {
        var list = firing.ToList();
        _rules = [.. rules.Select(r => (r, (IReadOnlyList<InhibitionSource>)[.. list.Where(s => r.IsSource(s.Labels))]))];
    }

    public static readonly Inhibitor None = new([], []);

    /// <summary>The fingerprints of the firing alerts that inhibit an alert with these labels (empty: not inhibited).</summary>
    public IReadOnlyList<string> InhibitedBy(LabelSet labels)
    {
        List<string>? by = null;
        foreach (var (rule, sources) in _rules)
        {
            if (!rule.IsTarget(labels))
            {
                continue;
            }

            foreach (var source in sources)
            {
                if (rule.Inhibits(source.Labels, labels))
                {
                    (by ??= []).Add(source.Fingerprint);
                }
            }
        }

        return by is null ? [] : [.. by.Distinct(StringComparer.Ordinal)];
    }
}
