using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Compaction;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Domain.Metrics.Messages;

namespace Vigil.Domain.Tests.Metrics;

public sealed class CompactionTests
{
    private static readonly IngestOptions Options = new(SampleGenerators.Now);

    [Fact]
    public void Compact_ManySamplesOfFewSeries_OneAggregatePerSeriesPerBucket()
    {
        var lines = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            // 3 series, samples over 30 s = 3 buckets each
            lines.Append(CultureInfo.InvariantCulture, $"req,route=/r{i % 3} duration={i % 100} {(SampleGenerators.Now - 30_000 + (i * 10)) * 1_000_000}\n");
        }

        var batch = InfluxLineParser.Parse(Encoding.UTF8.GetBytes(lines.ToString()), Options);
        var compacted = RequestCompactor.Compact(batch);

        Assert.Equal(3, compacted.Count);
        Assert.All(compacted, series => Assert.Equal(3, series.Buckets.Count));
        Assert.Equal(3000, compacted.Sum(s => s.Buckets.Sum(b => b.Aggregate.Count)));
        Assert.All(compacted.SelectMany(s => s.Buckets), b => Assert.Equal(BucketTime.RawStart(b.Aggregate.FirstTimeMs), b.BucketStartMs));
    }

    [Fact]
    public void Split_LargeRequest_EveryMessageUnderTheLimitAsTheHostWritesIt()
    {
        var json = new StringBuilder("{\"samples\":[");
        for (var i = 0; i < 20_000; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : string.Empty)}{{\"metric\":\"latency_seconds\",\"labels\":{{\"route\":\"/orders/{i % 2000}\",\"text\":\"ünï é\"}},\"value\":{i * 0.001},\"timestamp\":{SampleGenerators.Now - (i % 600) * 1000}}}");
        }

        json.Append("]}");
        var batch = JsonSampleParser.Parse(Encoding.UTF8.GetBytes(json.ToString()), Options);
        Assert.Empty(batch.Errors);

        var compacted = RequestCompactor.Compact(batch);
        const int limit = 64 * 1024;
        var messages = MessageSplitter.Split(compacted, "req1", limit);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(MessageSplitter.SerializeAsHostWrites(m).Length <= limit));
        Assert.Equal(messages.Count, messages.Select(m => m.Id).Distinct().Count());

        // Nothing lost: the buckets decode back to every sample.
        var total = messages.SelectMany(m => m.Series).SelectMany(s => s.DecodeBuckets()).Sum(b => b.Aggregate.Count);
        Assert.Equal(20_000, total);
    }

    [Fact]
    public void Split_OneSeriesTooLargeForOneMessage_SplitByBuckets()
    {
        var lines = new StringBuilder();
        for (var i = 0; i < 360; i++)
        {
            for (var v = 0; v < 40; v++)
            {
                lines.Append(CultureInfo.InvariantCulture, $"m v={Math.Pow(1.5, v)} {(SampleGenerators.Now - 3_590_000 + (i * 10_000)) * 1_000_000}\n");
            }
        }

        var compacted = RequestCompactor.Compact(InfluxLineParser.Parse(Encoding.UTF8.GetBytes(lines.ToString()), Options));
        var messages = MessageSplitter.Split(compacted, "r", 16 * 1024);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(MessageSplitter.SerializeAsHostWrites(m).Length <= 16 * 1024));
        Assert.Equal(360, messages.SelectMany(m => m.Series).Sum(s => s.DecodeBuckets().Count));
    }

    [Fact]
    public void Message_SerializedWithCamelCase_DecodesBack()
    {
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"m","labels":{"a":"1"},"value":2,"kind":"counter"}]}"""u8, Options);
        var message = MessageSplitter.Split(RequestCompactor.Compact(batch), "x").Single();

        var text = Encoding.UTF8.GetString(MessageSplitter.SerializeAsHostWrites(message));
        var back = JsonSerializer.Deserialize<MetricsMessage>(text)!;

        Assert.Contains("\"fingerprint\": ", text, StringComparison.Ordinal);
        Assert.Equal("counter", back.Series[0].Kind);
        Assert.Equal(batch.Series[0].Fingerprint, back.Series[0].Fingerprint);
        Assert.Equal(2, back.Series[0].DecodeBuckets().Single().Aggregate.LastValue);
    }

    [Fact]
    public void DecodeBuckets_Garbage_FormatException()
    {
        var series = new MessageSeries { Metric = "m", Labels = new Dictionary<string, string>(), Kind = "gauge", Fingerprint = "0", Buckets = Convert.ToBase64String([1, 2, 3, 4, 5]) };

        Assert.Throws<FormatException>(() => series.DecodeBuckets());
    }
}
