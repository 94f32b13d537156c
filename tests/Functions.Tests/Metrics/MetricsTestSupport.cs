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

/// <summary>One "evaluator instance": its own table clients, store and coordinator (unpaced unless asked), on the shared Azurite.</summary>
public sealed class StoreInstance
{
    public StoreInstance(AzuriteFixture azurite, TimeProvider time, int writesPerBucket = 0)
    {
        Tables = new VigilTables(azurite.StorageConnection.CreateTableServiceClient());
        Statistics = new SeriesStoreStatistics();
        Store = new SeriesStore(Tables, time, NullLogger<SeriesStore>.Instance, Statistics);
        Merger = new SeriesMergeCoordinator(Store, writesPerBucket, time);
        Query = new SeriesQueryService(Tables);
    }

    public VigilTables Tables { get; }

    public SeriesStoreStatistics Statistics { get; }

    public SeriesStore Store { get; }

    public SeriesMergeCoordinator Merger { get; }

    public SeriesQueryService Query { get; }

    public Task<IReadOnlyList<SeriesContribution>> ApplyAsync(MetricsMessage message) => Merger.MergeAsync(EvaluateMetricsFunction.Read(message), CancellationToken.None);
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

/// <summary>
/// A clock the tests move by hand, with timers: <see cref="Advance"/> runs every timer that fell due, synchronously and
/// in due order, before it returns (as Microsoft.Extensions.TimeProvider.Testing's FakeTimeProvider does).
/// </summary>
public sealed class SteppedTime(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<SteppedTimer> _timers = [];
    private DateTimeOffset _now = start;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SteppedTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        while (true)
        {
            SteppedTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.Due <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.Due;
                if (due.Period is { } period)
                {
                    due.Due += period;
                }
                else
                {
                    _timers.Remove(due);
                }
            }

            due.Fire();
        }
    }

    private sealed class SteppedTimer(SteppedTime owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                Due = owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
                owner._timers.Add(this);
                return true;
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
