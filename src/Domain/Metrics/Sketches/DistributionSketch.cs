using System.Buffers.Binary;

namespace Vigil.Domain.Metrics.Sketches;

/// <summary>
/// A mergeable quantile sketch with a relative-error guarantee (DDSketch, Masson, Rim and Lee, VLDB 2019): a value
/// <c>x &gt; 0</c> is counted in bin <c>ceil(log_γ x)</c> with <c>γ = (1 + α) / (1 − α)</c>, α = 1 %, so every quantile
/// it returns lies within 1 % of the true value of that rank. Negative values use a mirrored set of bins; values
/// closer to zero than <see cref="MinIndexable"/> are counted as zero. Merging adds bin counts, so it is commutative
/// and associative. At most <see cref="MaxBins"/> bins per sign are kept; past that the lowest bins are folded
/// together, which only affects the lowest quantiles (never the high ones alerting reads).
/// </summary>
public sealed class DistributionSketch
{
    /// <summary>The relative accuracy α.</summary>
    public const double RelativeAccuracy = 0.01;

    /// <summary>Bins kept per sign (4096 bins span 1e-9..1e9 and more at α = 1 %).</summary>
    public const int MaxBins = 4096;

    /// <summary>Values with a smaller magnitude count as zero.</summary>
    public const double MinIndexable = 1e-9;

    private const byte EncodingVersion = 1;
    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly BinStore _positive = new();
    private readonly BinStore _negative = new();
    private long _zeroCount;

    /// <summary>Number of values counted.</summary>
    public long Count => _zeroCount + _positive.Total + _negative.Total;

    public bool IsEmpty => Count == 0;

    /// <summary>Number of non-empty bins (what the encoding's size grows with).</summary>
    public int BinCount => _positive.Count + _negative.Count + (_zeroCount > 0 ? 1 : 0);

    public void Add(double value) => Add(value, 1);

    /// <summary>Counts <paramref name="value"/> <paramref name="weight"/> times. Non-finite values are ignored.</summary>
    public void Add(double value, long weight)
    {
        if (weight <= 0 || !double.IsFinite(value))
        {
            return;
        }

        if (value > MinIndexable)
        {
            _positive.Add(Index(value), weight);
        }
        else if (value < -MinIndexable)
        {
            _negative.Add(Index(-value), weight);
        }
        else
        {
            _zeroCount += weight;
        }
    }

    /// <summary>Adds every count of <paramref name="other"/> to this sketch.</summary>
    public void Merge(DistributionSketch other)
    {
        _zeroCount += other._zeroCount;
        _positive.Merge(other._positive);
        _negative.Merge(other._negative);
    }

    public DistributionSketch Clone()
    {
        var copy = new DistributionSketch();
        copy.Merge(this);
        return copy;
    }

    /// <summary>
    /// The value at quantile <paramref name="q"/> (0..1): the estimate of the value of rank <c>floor(q·(n−1))</c> in
    /// sorted order, within 1 % of it. Null when empty.
    /// </summary>
    public double? Quantile(double q)
    {
        var count = Count;
        if (count == 0 || double.IsNaN(q))
        {
            return null;
        }

        q = Math.Clamp(q, 0, 1);
        var rank = (long)Math.Floor(q * (count - 1));

        // Ascending order: most negative first (negative bins from the highest magnitude down), zeros, positive bins.
        var seen = 0L;
        var negative = _negative.Snapshot();
        for (var i = negative.Length - 1; i >= 0; i--)
        {
            seen += negative[i].Count;
            if (seen > rank)
            {
                return -Value(negative[i].Index);
            }
        }

        seen += _zeroCount;
        if (seen > rank)
        {
            return 0;
        }

        foreach (var bin in _positive.Snapshot())
        {
            seen += bin.Count;
            if (seen > rank)
            {
                return Value(bin.Index);
            }
        }

        return _positive.Count > 0 ? Value(_positive.Snapshot()[^1].Index) : 0;
    }

    /// <summary>
    /// Compact binary form: version, zero count, then for each sign the bin count and (index delta, count) pairs, all
    /// as LEB128 varints (indexes zigzag). A sketch of a typical latency distribution is a few hundred bytes.
    /// </summary>
    public byte[] Encode()
    {
        var buffer = new byte[1 + 10 + 2 * (5 + ((_positive.Count + _negative.Count) * 15))];
        var length = Encode(buffer);
        return buffer.AsSpan(0, length).ToArray();
    }

    /// <summary>Writes the encoding into <paramref name="destination"/> (large enough: see <see cref="MaxEncodedLength"/>) and returns its length.</summary>
    public int Encode(Span<byte> destination)
    {
        var position = 0;
        destination[position++] = EncodingVersion;
        position += Varint.WriteUnsigned(destination[position..], (ulong)_zeroCount);
        position += _positive.Encode(destination[position..]);
        position += _negative.Encode(destination[position..]);
        return position;
    }

    /// <summary>An upper bound of the encoded length.</summary>
    public int MaxEncodedLength => 1 + 10 + 2 * (5 + ((_positive.Count + _negative.Count) * 15));

    public static DistributionSketch Decode(ReadOnlySpan<byte> data)
    {
        if (!TryDecode(data, out var sketch, out _))
        {
            throw new FormatException("The distribution sketch encoding is not valid.");
        }

        return sketch!;
    }

    public static bool TryDecode(ReadOnlySpan<byte> data, out DistributionSketch? sketch, out int consumed)
    {
        sketch = null;
        consumed = 0;
        if (data.IsEmpty || data[0] != EncodingVersion)
        {
            return false;
        }

        var result = new DistributionSketch();
        var position = 1;
        if (!Varint.TryReadUnsigned(data[position..], out var zero, out var read) || zero > long.MaxValue)
        {
            return false;
        }

        position += read;
        result._zeroCount = (long)zero;
        if (!result._positive.TryDecode(data[position..], out read))
        {
            return false;
        }

        position += read;
        if (!result._negative.TryDecode(data[position..], out read))
        {
            return false;
        }

        position += read;
        sketch = result;
        consumed = position;
        return true;
    }

    /// <summary>The bin of a positive value.</summary>
    public static int Index(double value) => (int)Math.Ceiling(Math.Log(value) / LogGamma);

    /// <summary>The representative value of a bin: the point with the same relative distance to both bin edges.</summary>
    public static double Value(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    private readonly record struct Bin(int Index, long Count);

    /// <summary>Bins of one sign: a sorted list of (index, count), collapsing the lowest indexes past <see cref="MaxBins"/>.</summary>
    private sealed class BinStore
    {
        private readonly SortedDictionary<int, long> _bins = [];
        private Bin[]? _snapshot;

        public long Total { get; private set; }

        public int Count => _bins.Count;

        public void Add(int index, long count)
        {
            if (_bins.Count >= MaxBins && !_bins.ContainsKey(index))
            {
                var lowest = _bins.First().Key;
                if (index < lowest)
                {
                    index = lowest; // fold into the lowest bin kept
                }
                else
                {
                    // fold the lowest bin into the next one up to make room
                    var lowestCount = _bins[lowest];
                    _bins.Remove(lowest);
                    var next = _bins.First().Key;
                    _bins[next] += lowestCount;
                }
            }

            _bins[index] = _bins.TryGetValue(index, out var existing) ? existing + count : count;
            Total += count;
            _snapshot = null;
        }

        public void Merge(BinStore other)
        {
            foreach (var (index, count) in other._bins)
            {
                Add(index, count);
            }
        }

        public Bin[] Snapshot() => _snapshot ??= _bins.Select(b => new Bin(b.Key, b.Value)).ToArray();

        public int Encode(Span<byte> destination)
        {
            var position = Varint.WriteUnsigned(destination, (ulong)_bins.Count);
            var previous = 0;
            foreach (var (index, count) in _bins)
            {
                position += Varint.WriteUnsigned(destination[position..], Varint.ZigZag(index - previous));
                position += Varint.WriteUnsigned(destination[position..], (ulong)count);
                previous = index;
            }

            return position;
        }

        public bool TryDecode(ReadOnlySpan<byte> data, out int consumed)
        {
            consumed = 0;
            if (!Varint.TryReadUnsigned(data, out var bins, out var position) || bins > MaxBins)
            {
                return false;
            }

            long previous = 0;
            for (ulong i = 0; i < bins; i++)
            {
                if (!Varint.TryReadUnsigned(data[position..], out var delta, out var read))
                {
                    return false;
                }

                position += read;
                if (!Varint.TryReadUnsigned(data[position..], out var count, out read) || count == 0 || count > long.MaxValue)
                {
                    return false;
                }

                position += read;
                var index = previous + Varint.UnZigZag(delta);
                if ((i > 0 && index <= previous) || index is < int.MinValue or > int.MaxValue)
                {
                    return false;
                }

                Add((int)index, (long)count);
                previous = index;
            }

            consumed = position;
            return true;
        }
    }
}

/// <summary>LEB128 varints (and zigzag for signed values), as protobuf writes them.</summary>
public static class Varint
{
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    public static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    public static bool TryReadUnsigned(ReadOnlySpan<byte> data, out ulong value, out int consumed)
    {
        value = 0;
        consumed = 0;
        for (var shift = 0; shift < 64 && consumed < data.Length; shift += 7)
        {
            var b = data[consumed++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    public static int WriteDouble(Span<byte> destination, double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(destination, value);
        return 8;
    }
}
