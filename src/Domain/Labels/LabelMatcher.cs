using System.Text.RegularExpressions;

namespace Vigil.Domain.Labels;

public enum MatchOperator
{
    /// <summary><c>=</c>: the label equals the value (a missing label is the empty string).</summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>=~</c>: the whole value matches the regular expression.</summary>
    Regex,

    /// <summary><c>!~</c></summary>
    NotRegex,
}

/// <summary>
/// A Prometheus/Alertmanager label matcher. Regular expressions are anchored (the whole value must match) and
/// run on .NET's non-backtracking engine, so no expression can hang an evaluator.
/// </summary>
public sealed class LabelMatcher : IEquatable<LabelMatcher>
{
    private readonly Regex? _regex;

    private LabelMatcher(string name, MatchOperator op, string value, Regex? regex)
    {
        Name = name;
        Operator = op;
        Value = value;
        _regex = regex;
    }

    public string Name { get; }

    public MatchOperator Operator { get; }

    public string Value { get; }

    public static LabelMatcher Create(string name, MatchOperator op, string value)
    {
        Regex? regex = null;
        if (op is MatchOperator.Regex or MatchOperator.NotRegex)
        {
            try
            {
                regex = new Regex("^(?:" + value + ")$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"'{value}' is not a valid regular expression: {ex.Message}", ex);
            }
        }

        return new LabelMatcher(name, op, value, regex);
    }

    /// <summary>
    /// Parses the value form used in configuration maps: <c>"=~5.."</c>, <c>"!~GET|HEAD"</c>, <c>"!=prod"</c>,
    /// <c>"=api"</c>, or a plain value meaning equality.
    /// </summary>
    public static LabelMatcher ParseValue(string name, string expression)
    {
        if (expression.StartsWith("=~", StringComparison.Ordinal))
        {
            return Create(name, MatchOperator.Regex, expression[2..]);
        }

        if (expression.StartsWith("!~", StringComparison.Ordinal))
        {
            return Create(name, MatchOperator.NotRegex, expression[2..]);
        }

        if (expression.StartsWith("!=", StringComparison.Ordinal))
        {
            return Create(name, MatchOperator.NotEqual, expression[2..]);
        }

        return Create(name, MatchOperator.Equal, expression.StartsWith('=') ? expression[1..] : expression);
    }

    /// <summary>Parses the selector form <c>name="value"</c>, <c>name=~"re"</c>, <c>name!=value</c> (quotes optional).</summary>
    public static LabelMatcher Parse(string text)
    {
        var trimmed = text.Trim();
        var index = trimmed.IndexOfAny(['=', '!']);
        if (index <= 0)
        {
            throw new FormatException($"'{text}' is not a matcher: expected name=value, name!=value, name=~regex or name!~regex.");
        }

        var name = trimmed[..index].Trim();
        if (!LabelNames.IsValid(name))
        {
            throw new FormatException($"'{name}' is not a valid label name.");
        }

        var rest = trimmed[index..];
        var (op, length) = rest switch
        {
            _ when rest.StartsWith("=~", StringComparison.Ordinal) => (MatchOperator.Regex, 2),
            _ when rest.StartsWith("!~", StringComparison.Ordinal) => (MatchOperator.NotRegex, 2),
            _ when rest.StartsWith("!=", StringComparison.Ordinal) => (MatchOperator.NotEqual, 2),
            _ when rest.StartsWith('=') => (MatchOperator.Equal, 1),
            _ => throw new FormatException($"'{text}' is not a matcher: expected =, !=, =~ or !~ after the name."),
        };
        var value = rest[length..].Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        return Create(name, op, value);
    }

    public bool Matches(string? value)
    {
        var actual = value ?? string.Empty;
        return Operator switch
        {
            MatchOperator.Equal => actual == Value,
            MatchOperator.NotEqual => actual != Value,
            MatchOperator.Regex => _regex!.IsMatch(actual),
            MatchOperator.NotRegex => !_regex!.IsMatch(actual),
            _ => false,
        };
    }

    public bool Matches(LabelSet labels) => Matches(labels.Get(Name));

    public static bool MatchesAll(IEnumerable<LabelMatcher> matchers, LabelSet labels) => matchers.All(m => m.Matches(labels));

    public string OperatorText => Operator switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    };

    public override string ToString() => $"{Name}{OperatorText}\"{Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    public bool Equals(LabelMatcher? other) => other is not null && Name == other.Name && Operator == other.Operator && Value == other.Value;

    public override bool Equals(object? obj) => obj is LabelMatcher other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Name, Operator, Value);
}

/// <summary>Naming rules shared by metrics and labels (Prometheus's).</summary>
public static class LabelNames
{
    /// <summary><c>[a-zA-Z_][a-zA-Z0-9_]*</c></summary>
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name[1..])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>[a-zA-Z_:][a-zA-Z0-9_:]*</c></summary>
    public static bool IsValidMetricName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_' || name[0] == ':'))
        {
            return false;
        }

        foreach (var c in name[1..])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':'))
            {
                return false;
            }
        }

        return true;
    }
}
