using Vigil.Domain.Labels;
using Vigil.Domain.Time;

namespace Vigil.Domain.Tests.Labels;

public sealed class LabelSetTests
{
    [Fact]
    public void From_AnyOrder_IsSortedAndEqual()
    {
        var a = LabelSet.From(("b", "2"), ("a", "1"));
        var b = LabelSet.From(("a", "1"), ("b", "2"));

        Assert.Equal(a, b);
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal("a", a[0].Name);
    }

    [Fact]
    public void From_DuplicateName_Throws() =>
        Assert.Throws<ArgumentException>(() => LabelSet.From(("a", "1"), ("a", "2")));

    [Fact]
    public void Fingerprint_IsStableAcrossVersions()
    {
        // Pinned: changing the hash would orphan every stored series and alert.
        Assert.Equal("352aa4b15fa28bb6", LabelSet.From(("__name__", "up"), ("job", "api")).FingerprintHex);
        Assert.Equal("cbf29ce484222325", LabelSet.Empty.FingerprintHex);
    }

    [Fact]
    public void Fingerprint_SeparatesNameAndValueBoundaries() =>
        Assert.NotEqual(LabelSet.From(("ab", "c")).Fingerprint, LabelSet.From(("a", "bc")).Fingerprint);

    [Fact]
    public void OnlyWithoutWithMerge_Work()
    {
        var labels = LabelSet.From(("a", "1"), ("b", "2"), ("c", "3"));

        Assert.Equal(LabelSet.From(("a", "1"), ("c", "3")), labels.Only(["a", "c", "zzz"]));
        Assert.Equal(LabelSet.From(("b", "2")), labels.Without(["a", "c"]));
        Assert.Equal("9", labels.With("b", "9").Get("b"));
        Assert.False(labels.With("b", string.Empty).Contains("b"));
        Assert.Equal("x", labels.Merge(LabelSet.From(("a", "x"))).Get("a"));
    }

    [Fact]
    public void ToString_UsesPrometheusNotation() =>
        Assert.Equal("{a=\"1\", b=\"say \\\"hi\\\"\"}", LabelSet.From(("a", "1"), ("b", "say \"hi\"")).ToString());
}

public sealed class LabelMatcherTests
{
    [Theory]
    [InlineData("=~5..", "500", true)]
    [InlineData("=~5..", "5000", false)] // anchored
    [InlineData("!~GET|HEAD", "POST", true)]
    [InlineData("!~GET|HEAD", "GET", false)]
    [InlineData("!=prod", "dev", true)]
    [InlineData("=api", "api", true)]
    [InlineData("api", "api", true)]
    [InlineData("api", "apix", false)]
    public void ParseValue_OperatorsAndAnchoring(string expression, string value, bool expected) =>
        Assert.Equal(expected, LabelMatcher.ParseValue("x", expression).Matches(value));

    [Fact]
    public void Matches_MissingLabel_IsTheEmptyString()
    {
        Assert.True(LabelMatcher.ParseValue("env", "").Matches(LabelSet.Empty));
        Assert.True(LabelMatcher.ParseValue("env", "!=prod").Matches(LabelSet.Empty));
        Assert.False(LabelMatcher.ParseValue("env", "=~.+").Matches(LabelSet.Empty));
    }

    [Theory]
    [InlineData("status=~\"5..\"", "status", MatchOperator.Regex, "5..")]
    [InlineData("service = api", "service", MatchOperator.Equal, "api")]
    [InlineData("env!=\"prod\"", "env", MatchOperator.NotEqual, "prod")]
    [InlineData("path!~\"/health.*\"", "path", MatchOperator.NotRegex, "/health.*")]
    public void Parse_SelectorForm(string text, string name, MatchOperator op, string value)
    {
        var matcher = LabelMatcher.Parse(text);

        Assert.Equal((name, op, value), (matcher.Name, matcher.Operator, matcher.Value));
    }

    [Theory]
    [InlineData("nooperator")]
    [InlineData("=value")]
    [InlineData("9bad=value")]
    [InlineData("a=~\"(\"")]
    public void Parse_Invalid_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => LabelMatcher.Parse(text));

    [Fact]
    public void Regex_PathologicalPattern_DoesNotHang()
    {
        var matcher = LabelMatcher.ParseValue("x", "=~(a+)+b");

        Assert.False(matcher.Matches(new string('a', 50_000)));
    }
}

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("26h", 93600)]
    [InlineData("7d", 604800)]
    [InlineData("1w", 604800)]
    [InlineData("0s", 0)]
    public void Parse_Valid(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), DurationText.Parse(text));

    [Fact]
    public void Parse_Milliseconds() => Assert.Equal(TimeSpan.FromMilliseconds(1500), DurationText.Parse("1s500ms"));

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("30m1h")]
    [InlineData("1h1h")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    public void TryParse_Invalid_IsFalse(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData(90, "1m30s")]
    [InlineData(0, "0s")]
    [InlineData(93600, "1d2h")]
    public void Format_ShortestExact(int seconds, string expected) => Assert.Equal(expected, DurationText.Format(TimeSpan.FromSeconds(seconds)));
}
