using System.Globalization;

namespace Vigil.Domain.Rules.Conditions;

public enum ComparisonOperator
{
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Equal,
    NotEqual,
}

/// <summary>An operator and a number, as written in thresholds: <c>"&gt; 0.05"</c>, <c>"&lt;= 10"</c>, <c>"!= 1"</c>.</summary>
public readonly record struct Comparison(ComparisonOperator Operator, double Operand)
{
    private static readonly (string Text, ComparisonOperator Operator)[] Operators =
    [
        (">=", ComparisonOperator.GreaterOrEqual), ("<=", ComparisonOperator.LessOrEqual), ("==", ComparisonOperator.Equal),
        ("!=", ComparisonOperator.NotEqual), (">", ComparisonOperator.Greater), ("<", ComparisonOperator.Less),
    ];

    public bool Holds(double value) => Operator switch
    {
        ComparisonOperator.Greater => value > Operand,
        ComparisonOperator.GreaterOrEqual => value >= Operand,
        ComparisonOperator.Less => value < Operand,
        ComparisonOperator.LessOrEqual => value <= Operand,
        ComparisonOperator.Equal => value == Operand,
        _ => value != Operand,
    };

    public string OperatorText => Operator switch
    {
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Equal => "==",
        _ => "!=",
    };

    /// <summary>True for &gt; and &gt;= (the alert fires on high values), false for &lt; and &lt;=, null for == and !=.</summary>
    public bool? FiresAbove => Operator switch
    {
        ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual => true,
        ComparisonOperator.Less or ComparisonOperator.LessOrEqual => false,
        _ => null,
    };

    public override string ToString() => OperatorText + " " + Operand.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>"&gt; 0.05"</c> (space optional); the error says what is wrong.</summary>
    public static bool TryParse(string text, out Comparison comparison, out string? error)
    {
        comparison = default;
        var span = text.AsSpan().Trim();
        foreach (var (opText, op) in Operators)
        {
            if (!span.StartsWith(opText, StringComparison.Ordinal))
            {
                continue;
            }

            var number = span[opText.Length..].Trim();
            if (number.IsEmpty)
            {
                error = $"'{text}' has no number after {opText}; write e.g. \"{opText} 0.05\".";
                return false;
            }

            if (!double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                error = $"'{number}' in '{text}' is not a number (use digits and a decimal point, e.g. 0.05 or 1e3; percentages as fractions: 5% is 0.05).";
                return false;
            }

            comparison = new Comparison(op, value);
            error = null;
            return true;
        }

        error = $"'{text}' does not start with a comparison operator; write one of > >= < <= == != and a number, e.g. \"> 0.05\".";
        return false;
    }
}
