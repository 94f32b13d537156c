using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Functions.Metrics.Store;

/// <summary>What one queue message brings to one series: its bucket aggregates, under the message's id.</summary>
public sealed record SeriesContribution(string MessageId, string Metric, LabelSet Labels, MetricKind Kind, string Fingerprint, IReadOnlyList<TimedAggregate> Buckets);

/// <summary>Counts of what the store did (for the load harness and logs): reads, transactions, conflicts, series-buckets merged.</summary>
public sealed class SeriesStoreStatistics
{
    private long _reads;
    private long _transactions;
    private long _indexWrites;
    private long _conflicts;
    private long _seriesBuckets;
    private long _skippedDuplicates;

    public long Reads => Interlocked.Read(ref _reads);

    public long Transactions => Interlocked.Read(ref _transactions);

    public long IndexWrites => Interlocked.Read(ref _indexWrites);

    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>Distinct (series, 10 s bucket) pairs written, per flush.</summary>
    public long SeriesBuckets => Interlocked.Read(ref _seriesBuckets);

    /// <summary>Contributions skipped because their message was already applied to the bucket (redelivery).</summary>
    public long SkippedDuplicates => Interlocked.Read(ref _skippedDuplicates);

    internal void Read() => Interlocked.Increment(ref _reads);

    internal void Transaction() => Interlocked.Increment(ref _transactions);

    internal void IndexWrite() => Interlocked.Increment(ref _indexWrites);

    internal void Conflict() => Interlocked.Increment(ref _conflicts);

    internal void Buckets(int count) => Interlocked.Add(ref _seriesBuckets, count);

    internal void Duplicate() => Interlocked.Increment(ref _skippedDuplicates);
}
