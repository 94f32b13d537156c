using Vigil.Domain.Rules.Conditions;

namespace Vigil.Domain.Tests.Rules;

public sealed class ComparisonTests
{
    [Theory]
    [InlineData("> 1", 1.5, true)]
    [InlineData("> 1", 1, false)]
    [InlineData(">= 1", 1, true)]
    [InlineData("< 0.2", 0.1, true)]
    [InlineData("<=0.2", 0.2, true)]
    [InlineData("== 0", 0, true)]
    [InlineData("!= 0", 0, false)]
    [InlineData("  >  -1e3 ", -999, true)]
    public void Holds_EachOperator_ComparesAsWritten(string text, double value, bool expected)
    {
        Assert.True(Comparison.TryParse(text, out var comparison, out var error), error);
        Assert.Equal(expected, comparison.Holds(value));
    }

    [Theory]
    [InlineData("1", "does not start with a comparison operator")]
    [InlineData(">", "has no number after >")]
    [InlineData("> 5%", "is not a number")]
    [InlineData("=> 5", "does not start with a comparison operator")]
    [InlineData("> NaN", "is not a number")]
    public void TryParse_Invalid_SaysWhy(string text, string fragment)
    {
        Assert.False(Comparison.TryParse(text, out _, out var error));
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }
}
