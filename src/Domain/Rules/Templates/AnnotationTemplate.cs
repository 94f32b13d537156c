using System.Globalization;
using System.Text;
using Vigil.Domain.Labels;
using Vigil.Domain.Time;

namespace Vigil.Domain.Rules.Templates;

/// <summary>What a template may refer to, known when the configuration is validated.</summary>
/// <param name="LabelNames">Every label an instance of the rule carries (group labels, rule labels, rule, severity, ...).</param>
/// <param name="HasStatus">Whether <c>{{ status }}</c> means something (status rules).</param>
public sealed record TemplateScope(IReadOnlySet<string> LabelNames, bool HasStatus);

/// <summary>The values a template is rendered with.</summary>
public readonly record struct TemplateValues(string Rule, LabelSet Labels, double? Value, AlertSeverity? Severity, string? Status);

/// <summary>
/// An annotation template such as <c>"Error rate {{ value | percent }} on {{ labels.service }}"</c>, compiled once
/// at validation time (a template that does not compile is a configuration error, never a runtime crash).
/// Expressions: <c>value</c>, <c>labels.NAME</c>, <c>rule</c>, <c>severity</c>, <c>status</c> (status rules);
/// formats: <c>number</c> (the default for value), <c>percent</c> (0.052 gives 5.2%), <c>duration</c> (seconds
/// as 1m30s). A label an instance does not have renders as the empty string; no value renders as "no data".
/// </summary>
public sealed class AnnotationTemplate
{
    private readonly Part[] _parts;

    private AnnotationTemplate(string source, Part[] parts)
    {
        Source = source;
        _parts = parts;
    }

    public string Source { get; }

    public static bool TryCompile(string source, TemplateScope scope, out AnnotationTemplate? template, out string? error)
    {
        template = null;
        var parts = new List<Part>();
        var position = 0;
        while (position < source.Length)
        {
            var open = source.IndexOf("{{", position, StringComparison.Ordinal);
            var strayClose = source.IndexOf("}}", position, StringComparison.Ordinal);
            if (strayClose >= 0 && (open < 0 || strayClose < open))
            {
                error = $"'}}}}' at character {strayClose + 1} closes nothing (an expression is written {{{{ value }}}}).";
                return false;
            }

            if (open < 0)
            {
                parts.Add(Part.Literal(source[position..]));
                break;
            }

            if (open > position)
            {
                parts.Add(Part.Literal(source[position..open]));
            }

            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{{{{' at character {open + 1} is never closed with '}}}}'.";
                return false;
            }

            var expression = source[(open + 2)..close];
            if (expression.Contains("{{", StringComparison.Ordinal))
            {
                error = $"'{{{{' at character {open + 1} is not closed before the next '{{{{'.";
                return false;
            }

            if (!TryParseExpression(expression.Trim(), scope, out var part, out var reason))
            {
                error = $"{{{{{expression}}}}} at character {open + 1}: {reason}";
                return false;
            }

            parts.Add(part);
            position = close + 2;
        }

        template = new AnnotationTemplate(source, [.. parts]);
        error = null;
        return true;
    }

    public string Render(in TemplateValues values)
    {
        if (_parts.Length == 1 && _parts[0].Kind == PartKind.Literal)
        {
            return _parts[0].Text;
        }

        var builder = new StringBuilder(Source.Length + 16);
        foreach (var part in _parts)
        {
            switch (part.Kind)
            {
                case PartKind.Literal:
                    builder.Append(part.Text);
                    break;
                case PartKind.Label:
                    builder.Append(values.Labels.Get(part.Text) ?? string.Empty);
                    break;
                case PartKind.Rule:
                    builder.Append(values.Rule);
                    break;
                case PartKind.Severity:
                    builder.Append(values.Severity?.ToText() ?? string.Empty);
                    break;
                case PartKind.Status:
                    builder.Append(values.Status ?? "unknown");
                    break;
                default:
                    builder.Append(values.Value is { } value ? Format(value, part.Format) : "no data");
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>A number the way people read it: up to 4 significant digits, no exponent for ordinary sizes.</summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var magnitude = Math.Abs(value);
        if (magnitude == 0)
        {
            return "0";
        }

        if (magnitude >= 1e15 || magnitude < 1e-6)
        {
            return value.ToString("0.###e+0", CultureInfo.InvariantCulture);
        }

        if (magnitude >= 1000)
        {
            return Math.Round(value, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture);
        }

        var decimals = Math.Clamp(3 - (int)Math.Floor(Math.Log10(magnitude)), 0, 10);
        return Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("0.##########", CultureInfo.InvariantCulture);
    }

    /// <summary>Seconds as a duration: 0.25 gives 250ms, 90 gives 1m30s, 93784 gives 1d2h3m4s.</summary>
    public static string FormatDuration(double seconds)
    {
        if (!double.IsFinite(seconds))
        {
            return FormatNumber(seconds) + "s";
        }

        if (Math.Abs(seconds) < 0.001)
        {
            return seconds == 0 ? "0s" : FormatNumber(seconds * 1_000_000) + "µs";
        }

        var magnitude = Math.Abs(seconds);
        if (magnitude < 1)
        {
            return FormatNumber(seconds * 1000) + "ms";
        }

        if (magnitude < 60)
        {
            return FormatNumber(seconds) + "s";
        }

        if (magnitude >= TimeSpan.MaxValue.TotalSeconds)
        {
            return FormatNumber(seconds) + "s";
        }

        // A minute and more: whole seconds, largest units first.
        return DurationText.Format(TimeSpan.FromSeconds(Math.Round(seconds)));
    }

    private static string Format(double value, ValueFormat format) => format switch
    {
        ValueFormat.Percent => FormatNumber(value * 100) + "%",
        ValueFormat.Duration => FormatDuration(value),
        _ => FormatNumber(value),
    };

    private static bool TryParseExpression(string expression, TemplateScope scope, out Part part, out string? reason)
    {
        part = default;
        var pipe = expression.IndexOf('|', StringComparison.Ordinal);
        var subject = (pipe < 0 ? expression : expression[..pipe]).Trim();
        var formatText = pipe < 0 ? null : expression[(pipe + 1)..].Trim();

        ValueFormat format = ValueFormat.Number;
        if (formatText is not null)
        {
            if (formatText.Contains('|', StringComparison.Ordinal))
            {
                reason = "only one format may follow the value (number, percent or duration).";
                return false;
            }

            format = formatText switch
            {
                "number" => ValueFormat.Number,
                "percent" => ValueFormat.Percent,
                "duration" => ValueFormat.Duration,
                _ => ValueFormat.Unknown,
            };
            if (format == ValueFormat.Unknown)
            {
                reason = $"'{formatText}' is not a format; use number, percent or duration.";
                return false;
            }

            if (subject != "value")
            {
                reason = $"the format '{formatText}' applies to value only, not to {(subject.Length == 0 ? "nothing" : subject)}.";
                return false;
            }
        }

        if (subject.Length == 0)
        {
            reason = "the expression is empty; use value, labels.NAME, rule, severity or status.";
            return false;
        }

        if (subject.StartsWith("labels.", StringComparison.Ordinal))
        {
            var name = subject["labels.".Length..];
            if (!LabelNames.IsValid(name))
            {
                reason = $"'{name}' is not a label name.";
                return false;
            }

            if (!scope.LabelNames.Contains(name))
            {
                reason = $"instances of this rule never have the label '{name}' (they have: {string.Join(", ", scope.LabelNames.Order(StringComparer.Ordinal))}; add it to groupBy or labels).";
                return false;
            }

            part = new Part(PartKind.Label, name, format);
            reason = null;
            return true;
        }

        var kind = subject switch
        {
            "value" => PartKind.Value,
            "rule" => PartKind.Rule,
            "severity" => PartKind.Severity,
            "status" => PartKind.Status,
            _ => PartKind.Literal,
        };
        if (kind == PartKind.Literal)
        {
            reason = subject == "labels"
                ? "name the label: labels.NAME, e.g. labels.service."
                : $"'{subject}' is not known; use value, labels.NAME, rule, severity or status.";
            return false;
        }

        if (kind == PartKind.Status && !scope.HasStatus)
        {
            reason = "status is only known in status rules.";
            return false;
        }

        part = new Part(kind, subject, format);
        reason = null;
        return true;
    }

    private enum PartKind
    {
        Literal,
        Value,
        Label,
        Rule,
        Severity,
        Status,
    }

    private enum ValueFormat
    {
        Number,
        Percent,
        Duration,
        Unknown,
    }

    private readonly record struct Part(PartKind Kind, string Text, ValueFormat Format)
    {
        public static Part Literal(string text) => new(PartKind.Literal, text, ValueFormat.Number);
    }
}
