using System.Buffers.Binary;
using Vigil.Domain.Metrics.Samples;
using Vigil.Domain.Metrics.Sketches;

namespace Vigil.Domain.Metrics.Aggregates;

/// <summary>
/// Everything kept about one series in one time bucket (a 10 s raw bucket, a 5 min rollup, or a whole query window):
/// count, sum, min, max, first and last sample, and by kind
/// <list type="bullet">
/// <item>gauge and delta: a <see cref="DistributionSketch"/> of the values (percentiles);</item>
/// <item>counter: the sum of the values seen just before each reset (<see cref="ResetCorrection"/>), so the increase over
/// the span is <c>last − first + correction</c>;</item>
/// <item>histogram: a <see cref="HistogramState"/> (first and last cumulative bucket counts, corrections).</item>
/// </list>
/// <see cref="Merge"/> is commutative: the earlier and the later aggregate are told apart by time, not by argument order.
/// </summary>
public sealed class BucketAggregate
{
    private const byte EncodingVersion = 1;
    private const byte HasSketchFlag = 1;
    private const byte HasHistogramFlag = 2;

    private BucketAggregate(MetricKind kind) => Kind = kind;

    public MetricKind Kind { get; private set; }

    /// <summary>Samples merged (for histograms: snapshots).</summary>
    public long Count { get; private set; }

    public double Sum { get; private set; }

    public double Min { get; private set; }

    public double Max { get; private set; }

    public long FirstTimeMs { get; private set; }

    public double FirstValue { get; private set; }

    public long LastTimeMs { get; private set; }

    public double LastValue { get; private set; }

    /// <summary>Counters: the sum of the cumulative values seen just before each detected reset.</summary>
    public double ResetCorrection { get; private set; }

    /// <summary>Counters and histograms: resets detected inside the span.</summary>
    public int Resets { get; private set; }

    /// <summary>Gauges and deltas: the distribution of the values.</summary>
    public DistributionSketch? Sketch { get; private set; }

    /// <summary>Histograms: bucket layout and cumulative snapshots.</summary>
    public HistogramState? Histogram { get; private set; }

    /// <summary>Counters: <c>last − first + correction</c>; deltas: the sum; gauges: <c>last − first</c>; histograms: the count's increase.</summary>
    public double Increase => Kind switch
    {
        MetricKind.Counter => LastValue - FirstValue + ResetCorrection,
        MetricKind.Delta => Sum,
        MetricKind.Histogram => Histogram?.CountIncrease ?? 0,
        _ => LastValue - FirstValue,
    };

    public static BucketAggregate FromSample(MetricKind kind, double value, long timeMs)
    {
        var aggregate = new BucketAggregate(kind)
        {
            Count = 1,
            Sum = value,
            Min = value,
            Max = value,
            FirstTimeMs = timeMs,
            FirstValue = value,
            LastTimeMs = timeMs,
            LastValue = value,
        };
        if (kind is MetricKind.Gauge or MetricKind.Delta)
        {
            aggregate.Sketch = new DistributionSketch();
            aggregate.Sketch.Add(value);
        }

        return aggregate;
    }

    public static BucketAggregate FromHistogram(double[] upperBounds, HistogramSnapshot snapshot) => new(MetricKind.Histogram)
    {
        Count = 1,
        Sum = snapshot.Sum,
        Min = snapshot.Count,
        Max = snapshot.Count,
        FirstTimeMs = snapshot.TimeMs,
        FirstValue = snapshot.Count,
        LastTimeMs = snapshot.TimeMs,
        LastValue = snapshot.Count,
        Histogram = HistogramState.FromSnapshot(upperBounds, snapshot),
    };

    /// <summary>Adds one sample (cheaper than merging a one-sample aggregate; same result).</summary>
    public void Add(double value, long timeMs)
    {
        if (Kind == MetricKind.Histogram)
        {
            throw new InvalidOperationException("Histogram aggregates take snapshots, not samples.");
        }

        if (Kind == MetricKind.Counter)
        {
            if (timeMs < LastTimeMs)
            {
                // Out of order: the general merge puts the spans in time order.
                Merge(FromSample(Kind, value, timeMs));
                return;
            }

            if (value < LastValue && timeMs > LastTimeMs)
            {
                ResetCorrection += LastValue;
                Resets++;
            }
        }

        Count++;
        Sum += value;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
        if (timeMs < FirstTimeMs || (timeMs == FirstTimeMs && value < FirstValue))
        {
            FirstTimeMs = timeMs;
            FirstValue = value;
        }

        if (timeMs > LastTimeMs || (timeMs == LastTimeMs && value > LastValue))
        {
            LastTimeMs = timeMs;
            LastValue = value;
        }

        Sketch?.Add(value);
    }

    public BucketAggregate Clone()
    {
        var copy = (BucketAggregate)MemberwiseClone();
        copy.Sketch = Sketch?.Clone();
        copy.Histogram = Histogram?.Clone();
        return copy;
    }

    /// <summary>
    /// Merges <paramref name="other"/> into this aggregate. Counts, sums and sketches add up; first and last are the
    /// earliest and latest samples. For counters the two spans are put in time order: when the later one starts after
    /// the earlier one ends and starts lower, the counter reset in between and the earlier last value is added to the
    /// correction. Overlapping spans (two sources interleaving samples of one counter) cannot be ordered and are merged
    /// without a reset check: while the counter does not reset, the increase telescopes to the same figure whatever the
    /// order. A series that changed kind keeps the kind of the most recent data.
    /// </summary>
    public void Merge(BucketAggregate other)
    {
        if (other.Kind != Kind || (Kind == MetricKind.Histogram && !Histogram!.SameLayout(other.Histogram!)))
        {
            if (other.LastTimeMs > LastTimeMs)
            {
                CopyFrom(other.Clone());
            }

            return;
        }

        if (Kind == MetricKind.Counter)
        {
            var (earlier, later) = Order(this, other);
            var reset = later.FirstTimeMs >= earlier.LastTimeMs && later.FirstValue < earlier.LastValue;
            ResetCorrection = ResetCorrection + other.ResetCorrection + (reset ? earlier.LastValue : 0);
            Resets = Resets + other.Resets + (reset ? 1 : 0);
        }
        else if (Kind == MetricKind.Histogram)
        {
            var reset = Histogram!.Merge(other.Histogram!);
            Resets = Resets + other.Resets + (reset ? 1 : 0);
        }

        Count += other.Count;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        if (other.FirstTimeMs < FirstTimeMs || (other.FirstTimeMs == FirstTimeMs && other.FirstValue < FirstValue))
        {
            FirstTimeMs = other.FirstTimeMs;
            FirstValue = other.FirstValue;
        }

        if (other.LastTimeMs > LastTimeMs || (other.LastTimeMs == LastTimeMs && other.LastValue > LastValue))
        {
            LastTimeMs = other.LastTimeMs;
            LastValue = other.LastValue;
        }

        if (other.Sketch is not null)
        {
            Sketch ??= new DistributionSketch();
            Sketch.Merge(other.Sketch);
        }
    }

    /// <summary>Merges a list of aggregates (in any order) into a new one; null when the list is empty.</summary>
    public static BucketAggregate? MergeAll(IEnumerable<BucketAggregate> aggregates)
    {
        BucketAggregate? result = null;
        foreach (var aggregate in aggregates.OrderBy(a => a.FirstTimeMs).ThenBy(a => a.LastTimeMs))
        {
            if (result is null)
            {
                result = aggregate.Clone();
            }
            else
            {
                result.Merge(aggregate);
            }
        }

        return result;
    }

    /// <summary>The compact binary form used in queue messages and table rows (Base64 in JSON).</summary>
    public byte[] Encode()
    {
        var sketchLength = Sketch?.MaxEncodedLength ?? 0;
        var histogramLength = Histogram is null ? 0 : 64 + (Histogram.UpperBounds.Length * 8 * 4);
        var buffer = new byte[128 + sketchLength + histogramLength];
        var length = Encode(buffer);
        return buffer.AsSpan(0, length).ToArray();
    }

    private int Encode(Span<byte> buffer)
    {
        var p = 0;
        buffer[p++] = EncodingVersion;
        buffer[p++] = (byte)Kind;
        buffer[p++] = (byte)((Sketch is not null ? HasSketchFlag : 0) | (Histogram is not null ? HasHistogramFlag : 0));
        p += Varint.WriteUnsigned(buffer[p..], (ulong)Count);
        p += WriteDouble(buffer[p..], Sum);
        p += WriteDouble(buffer[p..], Min);
        p += WriteDouble(buffer[p..], Max);
        p += Varint.WriteUnsigned(buffer[p..], Varint.ZigZag(FirstTimeMs));
        p += WriteDouble(buffer[p..], FirstValue);
        p += Varint.WriteUnsigned(buffer[p..], Varint.ZigZag(LastTimeMs - FirstTimeMs));
        p += WriteDouble(buffer[p..], LastValue);
        p += WriteDouble(buffer[p..], ResetCorrection);
        p += Varint.WriteUnsigned(buffer[p..], (ulong)Resets);
        if (Sketch is not null)
        {
            p += Sketch.Encode(buffer[p..]);
        }

        if (Histogram is { } h)
        {
            p += Varint.WriteUnsigned(buffer[p..], (ulong)h.UpperBounds.Length);
            foreach (var bound in h.UpperBounds)
            {
                p += WriteDouble(buffer[p..], bound);
            }

            p += WriteSnapshot(buffer[p..], h.First);
            p += WriteSnapshot(buffer[p..], h.Last);
            foreach (var value in h.Correction)
            {
                p += WriteDouble(buffer[p..], value);
            }

            p += WriteDouble(buffer[p..], h.CorrectionSum);
            p += WriteDouble(buffer[p..], h.CorrectionCount);
        }

        return p;
    }

    public static BucketAggregate Decode(ReadOnlySpan<byte> data) =>
        TryDecode(data, out var aggregate) ? aggregate! : throw new FormatException("The bucket aggregate encoding is not valid.");

    public static bool TryDecode(ReadOnlySpan<byte> data, out BucketAggregate? aggregate)
    {
        aggregate = null;
        try
        {
            if (data.Length < 3 || data[0] != EncodingVersion || data[1] > (byte)MetricKind.Histogram)
            {
                return false;
            }

            var result = new BucketAggregate((MetricKind)data[1]);
            var flags = data[2];
            var p = 3;
            result.Count = (long)ReadUnsigned(data, ref p);
            result.Sum = ReadDouble(data, ref p);
            result.Min = ReadDouble(data, ref p);
            result.Max = ReadDouble(data, ref p);
            result.FirstTimeMs = Varint.UnZigZag(ReadUnsigned(data, ref p));
            result.FirstValue = ReadDouble(data, ref p);
            result.LastTimeMs = result.FirstTimeMs + Varint.UnZigZag(ReadUnsigned(data, ref p));
            result.LastValue = ReadDouble(data, ref p);
            result.ResetCorrection = ReadDouble(data, ref p);
            result.Resets = (int)ReadUnsigned(data, ref p);
            if ((flags & HasSketchFlag) != 0)
            {
                if (!DistributionSketch.TryDecode(data[p..], out var sketch, out var read))
                {
                    return false;
                }

                result.Sketch = sketch;
                p += read;
            }

            if ((flags & HasHistogramFlag) != 0)
            {
                var bounds = (int)ReadUnsigned(data, ref p);
                if (bounds is < 1 or > 1024)
                {
                    return false;
                }

                var upper = new double[bounds];
                for (var i = 0; i < bounds; i++)
                {
                    upper[i] = ReadDouble(data, ref p);
                }

                var first = ReadSnapshot(data, ref p, bounds);
                var last = ReadSnapshot(data, ref p, bounds);
                var correction = new double[bounds];
                for (var i = 0; i < bounds; i++)
                {
                    correction[i] = ReadDouble(data, ref p);
                }

                var correctionSum = ReadDouble(data, ref p);
                var correctionCount = ReadDouble(data, ref p);
                result.Histogram = new HistogramState(upper, first, last, correction, correctionSum, correctionCount);
            }

            if (p != data.Length)
            {
                return false;
            }

            aggregate = result;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static (BucketAggregate Earlier, BucketAggregate Later) Order(BucketAggregate a, BucketAggregate b)
    {
        if (a.FirstTimeMs != b.FirstTimeMs)
        {
            return a.FirstTimeMs < b.FirstTimeMs ? (a, b) : (b, a);
        }

        if (a.LastTimeMs != b.LastTimeMs)
        {
            return a.LastTimeMs < b.LastTimeMs ? (a, b) : (b, a);
        }

        return a.FirstValue <= b.FirstValue ? (a, b) : (b, a);
    }

    private void CopyFrom(BucketAggregate other)
    {
        Kind = other.Kind;
        Count = other.Count;
        Sum = other.Sum;
        Min = other.Min;
        Max = other.Max;
        FirstTimeMs = other.FirstTimeMs;
        FirstValue = other.FirstValue;
        LastTimeMs = other.LastTimeMs;
        LastValue = other.LastValue;
        ResetCorrection = other.ResetCorrection;
        Resets = other.Resets;
        Sketch = other.Sketch;
        Histogram = other.Histogram;
    }

    private static int WriteDouble(Span<byte> buffer, double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
        return 8;
    }

    private static int WriteSnapshot(Span<byte> buffer, HistogramSnapshot snapshot)
    {
        var p = Varint.WriteUnsigned(buffer, Varint.ZigZag(snapshot.TimeMs));
        foreach (var value in snapshot.Cumulative)
        {
            p += WriteDouble(buffer[p..], value);
        }

        p += WriteDouble(buffer[p..], snapshot.Sum);
        p += WriteDouble(buffer[p..], snapshot.Count);
        return p;
    }

    private static HistogramSnapshot ReadSnapshot(ReadOnlySpan<byte> data, ref int p, int bounds)
    {
        var time = Varint.UnZigZag(ReadUnsigned(data, ref p));
        var cumulative = new double[bounds];
        for (var i = 0; i < bounds; i++)
        {
            cumulative[i] = ReadDouble(data, ref p);
        }

        var sum = ReadDouble(data, ref p);
        var count = ReadDouble(data, ref p);
        return new HistogramSnapshot(time, cumulative, sum, count);
    }

    private static ulong ReadUnsigned(ReadOnlySpan<byte> data, ref int p)
    {
        if (p > data.Length || !Varint.TryReadUnsigned(data[p..], out var value, out var read))
        {
            throw new FormatException("truncated varint");
        }

        p += read;
        return value;
    }

    private static double ReadDouble(ReadOnlySpan<byte> data, ref int p)
    {
        if (p + 8 > data.Length)
        {
            throw new FormatException("truncated double");
        }

        var value = BinaryPrimitives.ReadDoubleLittleEndian(data[p..]);
        p += 8;
        return value;
    }
}
