using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Compaction;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Domain.Metrics.Messages;
using Vigil.Domain.Metrics.Samples;
using Vigil.Functions.FunctionApp.EvaluateMetrics;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics.Store;
using Vigil.Functions.Storage;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Metrics;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>A clock the tests move by hand.</summary>
public sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>One "evaluator instance": its own table clients, store and coordinator, on the shared Azurite.</summary>
public sealed class StoreInstance
{
    public StoreInstance(AzuriteFixture azurite, TimeProvider time)
    {
        Tables = new VigilTables(azurite.StorageConnection.CreateTableServiceClient());
        Statistics = new SeriesStoreStatistics();
        Store = new SeriesStore(Tables, time, NullLogger<SeriesStore>.Instance, Statistics);
        Merger = new SeriesMergeCoordinator(Store, TimeSpan.Zero);
        Query = new SeriesQueryService(Tables);
    }

    public VigilTables Tables { get; }

    public SeriesStoreStatistics Statistics { get; }

    public SeriesStore Store { get; }

    public SeriesMergeCoordinator Merger { get; }

    public SeriesQueryService Query { get; }

    public Task ApplyAsync(MetricsMessage message) => Merger.MergeAsync(EvaluateMetricsFunction.Read(message), CancellationToken.None);
}

public static class Messages
{
    /// <summary>Messages as IngestMetrics makes them, from Influx lines (ms precision).</summary>
    public static IReadOnlyList<MetricsMessage> FromInflux(string lines, DateTimeOffset now, string id)
    {
        var batch = InfluxLineParser.Parse(Encoding.UTF8.GetBytes(lines), new IngestOptions(now.ToUnixTimeMilliseconds()) { Precision = InfluxPrecision.Milliseconds });
        Assert.Empty(batch.Errors);
        return MessageSplitter.Split(RequestCompactor.Compact(batch), id);
    }

    public static MetricsMessage Delta(string metric, LabelSet labels, double value, long timeMs, string id)
    {
        var series = new SeriesEntry(metric, labels, MetricKind.Delta);
        var compacted = new CompactedSeries(series, [new TimedAggregate(BucketTime.RawStart(timeMs), BucketAggregate.FromSample(MetricKind.Delta, value, timeMs))]);
        return MessageSplitter.Split([compacted], id).Single();
    }

    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8].ToString(CultureInfo.InvariantCulture);
}
