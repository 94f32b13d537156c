namespace Vigil.Domain.Rules.Conditions;

/// <summary>One level of a threshold rule: its severity and the comparison that crosses it.</summary>
public readonly record struct ThresholdLevel(AlertSeverity Severity, Comparison Comparison);

/// <summary>
/// The levels of a rule, highest severity first: the severity of a value is that of the highest level it
/// crosses (a value above both warning and critical is critical).
/// </summary>
public sealed class ThresholdLevels
{
    private readonly ThresholdLevel[] _levels;

    public ThresholdLevels(IEnumerable<ThresholdLevel> levels)
    {
        _levels = [.. levels.OrderByDescending(l => l.Severity)];
        if (_levels.Length == 0)
        {
            throw new ArgumentException("At least one level is needed.", nameof(levels));
        }
    }

    public IReadOnlyList<ThresholdLevel> Levels => _levels;

    /// <summary>The highest severity among the levels (what <c>noData: alerting</c> fires with).</summary>
    public AlertSeverity Highest => _levels[0].Severity;

    /// <summary>The severity of the highest level <paramref name="value"/> crosses, or null when it crosses none.</summary>
    public AlertSeverity? Crossed(double value)
    {
        foreach (var level in _levels)
        {
            if (level.Comparison.Holds(value))
            {
                return level.Severity;
            }
        }

        return null;
    }

    public ThresholdLevel? Get(AlertSeverity severity)
    {
        foreach (var level in _levels)
        {
            if (level.Severity == severity)
            {
                return level;
            }
        }

        return null;
    }
}
