using System.Globalization;

namespace Vigil.Domain.Metrics.Query;

/// <summary>What a window of a series is reduced to.</summary>
public enum AggregateFunction
{
    Avg,
    Min,
    Max,
    Sum,
    Count,
    Last,

    /// <summary>Per-second increase of a counter over the window (resets handled).</summary>
    Rate,

    /// <summary>Increase of a counter over the window (resets handled).</summary>
    Increase,

    /// <summary>A quantile of the observations (from the distribution sketch); see <see cref="Aggregation.Quantile"/>.</summary>
    Percentile,
}

/// <summary>An aggregate with its parameter: <c>avg</c>, <c>rate</c>, <c>p95</c>, <c>p99.9</c>, ...</summary>
public sealed record Aggregation(AggregateFunction Function, double? Quantile = null)
{
    public static Aggregation Parse(string text) =>
        TryParse(text, out var aggregation) ? aggregation! : throw new FormatException($"'{text}' is not an aggregate: use avg, min, max, sum, count, last, rate, increase or pNN (p50, p95, p99.9).");

    public static bool TryParse(string? text, out Aggregation? aggregation)
    {
        aggregation = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var lower = text.Trim().ToLowerInvariant();
        if (lower.Length > 1 && lower[0] == 'p')
        {
            if (double.TryParse(lower[1..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent > 0 && percent < 100)
            {
                aggregation = new Aggregation(AggregateFunction.Percentile, percent / 100.0);
                return true;
            }

            return false;
        }

        AggregateFunction? function = lower switch
        {
            "avg" => AggregateFunction.Avg,
            "min" => AggregateFunction.Min,
            "max" => AggregateFunction.Max,
            "sum" => AggregateFunction.Sum,
            "count" => AggregateFunction.Count,
            "last" => AggregateFunction.Last,
            "rate" => AggregateFunction.Rate,
            "increase" => AggregateFunction.Increase,
            _ => null,
        };
        if (function is null)
        {
            return false;
        }

        aggregation = new Aggregation(function.Value);
        return true;
    }

    public override string ToString() => Function == AggregateFunction.Percentile
        ? "p" + (Quantile!.Value * 100).ToString("0.###", CultureInfo.InvariantCulture)
        : Function.ToString().ToLowerInvariant();
}
