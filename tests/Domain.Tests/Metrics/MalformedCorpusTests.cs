using System.Text.Json;
using Vigil.Domain.Metrics.Ingest;

namespace Vigil.Domain.Tests.Metrics;

/// <summary>
/// Every file under testdata/ingest/&lt;format&gt;/ is a malformed body; its <c>.expected.json</c> names the item, field and
/// (part of) the reason the parser must give, and whether the whole request fails.
/// </summary>
public sealed class MalformedCorpusTests
{
    private static readonly IngestOptions Options = new(SampleGenerators.Now);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var format in new[] { "json", "influx", "prometheus" })
        {
            foreach (var expected in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "testdata", "ingest", format), "*.expected.json").Order(StringComparer.Ordinal))
            {
                data.Add(format, Path.GetFileName(expected).Replace(".expected.json", string.Empty, StringComparison.Ordinal));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_MalformedBody_GivesThePreciseError(string format, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "testdata", "ingest", format);
        var body = File.ReadAllBytes(Directory.GetFiles(directory, name + ".*").Single(f => !f.EndsWith(".expected.json", StringComparison.Ordinal)));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, name + ".expected.json")));
        var root = expected.RootElement;

        var batch = format switch
        {
            "json" => JsonSampleParser.Parse(body, Options),
            "influx" => InfluxLineParser.Parse(body, Options),
            _ => PrometheusTextParser.Parse(body, Options),
        };

        var error = batch.Failure?.Error ?? Assert.Single(batch.Errors);
        var failure = root.GetProperty("failure").GetString();
        Assert.Equal(failure, batch.Failure?.Kind.ToString());
        Assert.Equal(root.GetProperty("item").GetString(), error.Item);
        Assert.Equal(root.GetProperty("field").GetString(), error.Field);
        Assert.Contains(root.GetProperty("reason").GetString()!, error.Reason, StringComparison.Ordinal);
        Assert.Equal(1, batch.ErrorCount + (batch.Failure is null ? 0 : 1));
    }

    [Fact]
    public void Corpus_CoversEveryFormat()
    {
        var cases = Cases().Select(c => (string)c[0]).GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(new[] { "json", "influx", "prometheus" }, format => Assert.True(cases.GetValueOrDefault(format) >= 20, format));
    }
}
