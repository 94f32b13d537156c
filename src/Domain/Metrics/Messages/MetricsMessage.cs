using System.Text.Json.Serialization;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Compaction;
using Vigil.Domain.Metrics.Samples;
using Vigil.Domain.Metrics.Sketches;

namespace Vigil.Domain.Metrics.Messages;

/// <summary>
/// One message on the <c>metrics</c> queue: a part of one ingest request, compacted to bucket aggregates per series.
/// <see cref="Id"/> is unique per message and survives redelivery: the evaluator records it (hashed) on the rows it
/// changed, so a message delivered twice is applied once.
/// </summary>
public sealed class MetricsMessage
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("version")]
    public int Version { get; init; } = CurrentVersion;

    [JsonPropertyName("series")]
    public required IReadOnlyList<MessageSeries> Series { get; init; }
}

/// <summary>
/// A series in a message: identity in plain JSON (readable in a dead-letter queue), the bucket aggregates as one Base64
/// string (binary, so the host's indentation of the message costs almost nothing).
/// </summary>
public sealed class MessageSeries
{
    [JsonPropertyName("metric")]
    public required string Metric { get; init; }

    [JsonPropertyName("labels")]
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>The series fingerprint (16 hex digits), recomputed and checked by the evaluator.</summary>
    [JsonPropertyName("fingerprint")]
    public required string Fingerprint { get; init; }

    /// <summary>Base64 of (bucket start ms as a zigzag varint, length varint, <see cref="BucketAggregate"/> encoding)*.</summary>
    [JsonPropertyName("buckets")]
    public required string Buckets { get; init; }

    public static MessageSeries Create(CompactedSeries series, IEnumerable<TimedAggregate> buckets) => new()
    {
        Metric = series.Series.Metric,
        Labels = series.Series.Labels.ToDictionary(),
        Kind = series.Series.Kind.ToText(),
        Fingerprint = series.Series.Fingerprint,
        Buckets = Convert.ToBase64String(EncodeBuckets(buckets)),
    };

    public static byte[] EncodeBuckets(IEnumerable<TimedAggregate> buckets)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[20];
        foreach (var bucket in buckets)
        {
            var encoded = bucket.Aggregate.Encode();
            var length = Varint.WriteUnsigned(header, Varint.ZigZag(bucket.BucketStartMs));
            length += Varint.WriteUnsigned(header[length..], (ulong)encoded.Length);
            stream.Write(header[..length]);
            stream.Write(encoded);
        }

        return stream.ToArray();
    }

    /// <summary>Decodes <see cref="Buckets"/>; throws <see cref="FormatException"/> when it is not a valid encoding.</summary>
    public IReadOnlyList<TimedAggregate> DecodeBuckets()
    {
        var data = Convert.FromBase64String(Buckets).AsSpan();
        var result = new List<TimedAggregate>();
        while (!data.IsEmpty)
        {
            if (!Varint.TryReadUnsigned(data, out var start, out var read))
            {
                throw new FormatException("truncated bucket start");
            }

            data = data[read..];
            if (!Varint.TryReadUnsigned(data, out var length, out read) || (ulong)(data.Length - read) < length)
            {
                throw new FormatException("truncated bucket aggregate");
            }

            data = data[read..];
            var aggregate = BucketAggregate.Decode(data[..(int)length]);
            data = data[(int)length..];
            var bucketStart = Varint.UnZigZag(start);
            if (BucketTime.RawStart(bucketStart) != bucketStart)
            {
                throw new FormatException("a bucket start is not aligned to 10 s");
            }

            result.Add(new TimedAggregate(bucketStart, aggregate));
        }

        return result;
    }
}
