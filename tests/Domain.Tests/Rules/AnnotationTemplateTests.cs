using Vigil.Domain.Labels;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Templates;

namespace Vigil.Domain.Tests.Rules;

public sealed class AnnotationTemplateTests
{
    private static readonly TemplateScope Scope = new(new HashSet<string>(["service", "rule", "severity"], StringComparer.Ordinal), HasStatus: false);

    [Theory]
    [InlineData("Error rate {{ value | percent }} on {{ labels.service }}", 0.0523, "Error rate 5.23% on api")]
    [InlineData("{{value}}", 1234.5678, "1235")]
    [InlineData("{{ value | number }}", 0.000123456, "0.0001235")]
    [InlineData("{{ value }}", 12.3456, "12.35")]
    [InlineData("{{ value | duration }}", 0.25, "250ms")]
    [InlineData("{{ value | duration }}", 90.4, "1m30s")]
    [InlineData("{{ value | duration }}", 2.5, "2.5s")]
    [InlineData("{{ value | duration }}", 0.0123, "12.3ms")]
    [InlineData("{{ value | duration }}", 93784, "1d2h3m4s")]
    [InlineData("{{ rule }} is {{ severity }}", 1, "HighErrorRate is critical")]
    [InlineData("no expressions", 1, "no expressions")]
    [InlineData("{{ labels.missing_is_not_in_scope_so_not_here }}", 1, null)]
    public void Render_Expressions_FormatAsDocumented(string source, double value, string? expected)
    {
        var compiled = AnnotationTemplate.TryCompile(source, Scope, out var template, out var error);
        if (expected is null)
        {
            Assert.False(compiled);
            return;
        }

        Assert.True(compiled, error);
        var rendered = template!.Render(new TemplateValues("HighErrorRate", LabelSet.From(("service", "api")), value, AlertSeverity.Critical, null));
        Assert.Equal(expected, rendered);
    }

    [Fact]
    public void Render_NoValue_SaysNoData()
    {
        AnnotationTemplate.TryCompile("{{ value | percent }}", Scope, out var template, out _);

        Assert.Equal("no data", template!.Render(new TemplateValues("r", LabelSet.Empty, null, null, null)));
    }

    [Fact]
    public void Render_LabelInScopeButNotOnInstance_IsEmpty()
    {
        AnnotationTemplate.TryCompile("[{{ labels.service }}]", Scope, out var template, out _);

        Assert.Equal("[]", template!.Render(new TemplateValues("r", LabelSet.Empty, 1, null, null)));
    }

    [Theory]
    [InlineData("{{ value", "never closed")]
    [InlineData("value }}", "closes nothing")]
    [InlineData("{{ }}", "the expression is empty")]
    [InlineData("{{ value | percent | number }}", "only one format")]
    [InlineData("{{ value | pct }}", "'pct' is not a format")]
    [InlineData("{{ labels.service | percent }}", "applies to value only")]
    [InlineData("{{ labels }}", "name the label")]
    [InlineData("{{ labels.9x }}", "not a label name")]
    [InlineData("{{ labels.team }}", "never have the label 'team'")]
    [InlineData("{{ status }}", "only known in status rules")]
    [InlineData("{{ value {{ value }}", "not closed before the next")]
    public void TryCompile_BadTemplate_SaysWhy(string source, string fragment)
    {
        Assert.False(AnnotationTemplate.TryCompile(source, Scope, out _, out var error));
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e20, "1e+20")]
    [InlineData(999.95, "1000")]
    [InlineData(99.95, "99.95")]
    [InlineData(0.1 + 0.2, "0.3")]
    public void FormatNumber_GivesShortReadableNumbers(double value, string expected) =>
        Assert.Equal(expected, AnnotationTemplate.FormatNumber(value));
}
