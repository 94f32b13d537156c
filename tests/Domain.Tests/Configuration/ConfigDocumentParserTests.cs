using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Validation;

namespace Vigil.Domain.Tests.Configuration;

public sealed class ConfigDocumentParserTests
{
    [Fact]
    public void Parse_Yaml_KeepsLineAndColumnOfEveryNode()
    {
        var errors = new List<ConfigError>();
        var root = (ConfigMapping)ConfigDocumentParser.Parse("rules:\n  - name: A\n    window: 5m\n", errors)!;

        var rules = (ConfigSequence)root.Get("rules")!;
        var rule = (ConfigMapping)rules.Items[0];
        Assert.Empty(errors);
        Assert.Equal(new SourceMark(2, 5), rule.Mark);
        Assert.Equal(new SourceMark(3, 13), rule.Get("window")!.Mark);
        Assert.Equal(new SourceMark(3, 5), rule.GetEntry("window")!.Key.Mark);
    }

    [Fact]
    public void Parse_JsonWithTabs_ReadsLikeYaml()
    {
        var errors = new List<ConfigError>();
        var root = (ConfigMapping)ConfigDocumentParser.Parse("{\n\t\"rules\": [\n\t\t{ \"name\": \"A\", \"min\": 20 }\n\t]\n}", errors)!;

        Assert.Empty(errors);
        var rule = (ConfigMapping)((ConfigSequence)root.Get("rules")!).Items[0];
        Assert.Equal(3, rule.Mark.Line);
        Assert.Equal(ScalarKind.Number, ((ConfigScalar)rule.Get("min")!).Kind);
    }

    [Theory]
    [InlineData("a: 5", ScalarKind.Number)]
    [InlineData("a: \"5\"", ScalarKind.String)]
    [InlineData("a: '5'", ScalarKind.String)]
    [InlineData("a: true", ScalarKind.Boolean)]
    [InlineData("a: yes", ScalarKind.String)]
    [InlineData("a: ~", ScalarKind.Null)]
    [InlineData("a:", ScalarKind.Null)]
    [InlineData("a: null", ScalarKind.Null)]
    [InlineData("a: 1e3", ScalarKind.Number)]
    [InlineData("a: -0.5", ScalarKind.Number)]
    [InlineData("a: 0x10", ScalarKind.String)]
    [InlineData("a: 5m", ScalarKind.String)]
    [InlineData("a: .nan", ScalarKind.String)]
    public void Parse_Scalars_ResolveByYaml12CoreSchema(string text, ScalarKind expected)
    {
        var errors = new List<ConfigError>();
        var root = (ConfigMapping)ConfigDocumentParser.Parse(text, errors)!;

        Assert.Equal(expected, ((ConfigScalar)root.Get("a")!).Kind);
    }

    [Fact]
    public void Parse_DuplicateKey_ReportsBothLines()
    {
        var errors = new List<ConfigError>();
        var root = ConfigDocumentParser.Parse("a: 1\nb: 2\na: 3\n", errors);

        Assert.Null(root);
        var error = Assert.Single(errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("first at line 1", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasBomb_IsRejectedNotExpanded()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 10; i++)
        {
            lines.Add($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]");
        }

        var errors = new List<ConfigError>();
        var root = ConfigDocumentParser.Parse(string.Join('\n', lines), errors);

        Assert.Null(root);
        Assert.Contains(errors, e => e.Reason.Contains("expands to more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Alias_SharesTheAnchoredValue()
    {
        var errors = new List<ConfigError>();
        var root = (ConfigMapping)ConfigDocumentParser.Parse("base: &labels { team: api }\nother: *labels\n", errors)!;

        Assert.Empty(errors);
        Assert.Equal(root.Get("base")!.ToCanonicalJson(), root.Get("other")!.ToCanonicalJson());
    }

    [Fact]
    public void Parse_UnknownAlias_IsAnError()
    {
        var errors = new List<ConfigError>();
        var root = ConfigDocumentParser.Parse("a: *missing\n", errors);

        Assert.Null(root);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void ToCanonicalJson_IgnoresLayoutQuotingAndKeyOrder()
    {
        var errors = new List<ConfigError>();
        var yaml = ConfigDocumentParser.Parse("b: [1, x]\na: { c: 'y', d: 2.50 }\n", errors)!;
        var json = ConfigDocumentParser.Parse("{\"a\": {\"d\": 2.5, \"c\": \"y\"}, \"b\": [1, \"x\"]}", errors)!;

        Assert.Empty(errors);
        Assert.Equal(yaml.ToCanonicalJson(), json.ToCanonicalJson());
        Assert.Equal("{\"a\":{\"c\":\"y\",\"d\":2.5},\"b\":[1,\"x\"]}", json.ToCanonicalJson());
    }

    [Fact]
    public void Parse_TooLargeDocument_IsRejected()
    {
        var errors = new List<ConfigError>();
        var root = ConfigDocumentParser.Parse(new string(' ', ConfigDocumentParser.MaxLength + 1), errors);

        Assert.Null(root);
        Assert.Contains("limit", Assert.Single(errors).Reason, StringComparison.Ordinal);
    }
}
