using System.Globalization;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Metrics.Ingest;

/// <summary>A series seen in one request: metric, labels (without <c>__name__</c>, with the extra labels) and kind.</summary>
public sealed class SeriesEntry
{
    private string? _fingerprint;

    public SeriesEntry(string metric, LabelSet labels, MetricKind kind)
    {
        Metric = metric;
        Labels = labels;
        Kind = kind;
    }

    public string Metric { get; }

    public LabelSet Labels { get; }

    public MetricKind Kind { get; }

    /// <summary>16 hex digits: the FNV-1a fingerprint of the labels with <c>__name__</c>.</summary>
    public string Fingerprint => _fingerprint ??= SeriesKey.Fingerprint(Metric, Labels);
}

/// <summary>One accepted sample, by series index.</summary>
public readonly record struct SampleRecord(int Series, double Value, long TimestampMs);

/// <summary>One accepted histogram snapshot, by series index.</summary>
public sealed record HistogramRecord(int Series, double[] UpperBounds, HistogramSnapshot Snapshot);

/// <summary>
/// What a parser produces from one request body: the distinct series, the accepted samples and histogram snapshots,
/// the rejected items, and a request-level failure if any. Parsers validate here (names, labels, limits, timestamps),
/// so the three formats give the same errors for the same mistakes.
/// </summary>
public sealed class SampleBatch
{
    private readonly RawKeyTable _rawKeys = new();
    private readonly Dictionary<(string Metric, LabelSet Labels), int> _byIdentity = [];
    private readonly List<SeriesEntry> _series = [];
    private readonly List<HistogramRecord> _histograms = [];
    private readonly List<IngestError> _errors = [];
    private readonly long _oldestMs;
    private readonly long _newestMs;
    private SampleRecord[] _samples = new SampleRecord[256];
    private int _sampleCount;

    public SampleBatch(IngestOptions options)
    {
        Options = options;
        _oldestMs = options.ReceivedAtMs - (long)options.Limits.MaxAge.TotalMilliseconds;
        _newestMs = options.ReceivedAtMs + (long)options.Limits.MaxFuture.TotalMilliseconds;
    }

    public IngestOptions Options { get; }

    public IngestLimits Limits => Options.Limits;

    public IReadOnlyList<SeriesEntry> Series => _series;

    public ReadOnlySpan<SampleRecord> Samples => _samples.AsSpan(0, _sampleCount);

    public IReadOnlyList<HistogramRecord> Histograms => _histograms;

    /// <summary>The first <see cref="IngestLimits.MaxErrorsReported"/> rejected items.</summary>
    public IReadOnlyList<IngestError> Errors => _errors;

    /// <summary>All rejected items, also those not listed.</summary>
    public int ErrorCount { get; private set; }

    public IngestFailure? Failure { get; private set; }

    /// <summary>Accepted samples plus accepted histogram snapshots.</summary>
    public int AcceptedCount => _sampleCount + _histograms.Count;

    /// <summary>Samples as records with their series (tests and tools; parsing never materialises these).</summary>
    public IReadOnlyList<Sample> ToSamples()
    {
        var result = new List<Sample>(_sampleCount);
        for (var i = 0; i < _sampleCount; i++)
        {
            var record = _samples[i];
            var series = _series[record.Series];
            result.Add(new Sample(series.Metric, series.Labels, record.Value, record.TimestampMs, series.Kind));
        }

        return result;
    }

    public bool TryGetSeries(ReadOnlySpan<byte> rawKey, out int series) => _rawKeys.TryGet(rawKey, out series);

    /// <summary>
    /// Validates and adds a series not seen under this raw key. Returns its index, or -1 with <paramref name="error"/>
    /// (reason only; the caller knows the item). Two raw keys naming the same series (labels in another order) share one index.
    /// </summary>
    public int AddSeries(ReadOnlySpan<byte> rawKey, string metric, LabelScratch labels, MetricKind kind, out string? field, out string? error)
    {
        field = null;
        if (!ValidateMetricName(metric, out error))
        {
            field = "metric";
            return -1;
        }

        if (!labels.Validate(Limits, out field, out error))
        {
            return -1;
        }

        var labelSet = labels.ToLabelSet(Options.ExtraLabels);
        if (_byIdentity.TryGetValue((metric, labelSet), out var existing))
        {
            if (_series[existing].Kind != kind)
            {
                field = "kind";
                error = KindConflict(_series[existing].Kind, kind);
                return -1;
            }

            _rawKeys.Add(rawKey, existing);
            return existing;
        }

        if (_series.Count >= Limits.MaxSeriesPerRequest)
        {
            Fail(IngestFailureKind.TooLarge, new IngestError("request", null, string.Create(CultureInfo.InvariantCulture, $"the request has more than {Limits.MaxSeriesPerRequest} distinct series (limit MaxSeriesPerRequest); split it into smaller requests")));
            error = "too many series";
            return -1;
        }

        var index = _series.Count;
        _series.Add(new SeriesEntry(metric, labelSet, kind));
        _byIdentity.Add((metric, labelSet), index);
        _rawKeys.Add(rawKey, index);
        return index;
    }

    public static string KindConflict(MetricKind existing, MetricKind kind) =>
        $"this series was sent as {existing.ToText()} earlier in the request and now as {kind.ToText()}; a series has one kind";

    public bool ValidateMetricName(ReadOnlySpan<char> metric, out string? error)
    {
        if (metric.Length > Limits.MaxMetricNameLength)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the metric name is {metric.Length} characters; at most {Limits.MaxMetricNameLength} are allowed");
            return false;
        }

        if (!LabelNames.IsValidMetricName(metric))
        {
            error = metric.IsEmpty ? "the metric name is empty" : $"'{Truncate(metric)}' is not a valid metric name: use [a-zA-Z_:][a-zA-Z0-9_:]*";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Checks a timestamp against [received − MaxAge, received + MaxFuture].</summary>
    public bool CheckTimestamp(long timestampMs, out string? error)
    {
        if (timestampMs < _oldestMs)
        {
            error = $"the timestamp {FormatTime(timestampMs)} is more than {Time.DurationText.Format(Limits.MaxAge)} before the time received ({FormatTime(Options.ReceivedAtMs)}); late samples are accepted up to that age";
            return false;
        }

        if (timestampMs > _newestMs)
        {
            error = $"the timestamp {FormatTime(timestampMs)} is more than {Time.DurationText.Format(Limits.MaxFuture)} after the time received ({FormatTime(Options.ReceivedAtMs)}); check the sender's clock and the timestamp unit";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Adds an accepted sample. False when the request has too many samples (then <see cref="Failure"/> is set).</summary>
    public bool AddSample(int series, double value, long timestampMs)
    {
        if (_sampleCount + _histograms.Count >= Limits.MaxSamplesPerRequest)
        {
            FailTooManySamples();
            return false;
        }

        if (_sampleCount == _samples.Length)
        {
            Array.Resize(ref _samples, _samples.Length * 2);
        }

        _samples[_sampleCount++] = new SampleRecord(series, value, timestampMs);
        return true;
    }

    public bool AddHistogram(int series, double[] upperBounds, HistogramSnapshot snapshot)
    {
        if (_sampleCount + _histograms.Count >= Limits.MaxSamplesPerRequest)
        {
            FailTooManySamples();
            return false;
        }

        _histograms.Add(new HistogramRecord(series, upperBounds, snapshot));
        return true;
    }

    /// <summary>The current sample count, to undo an item's samples when a later part of it turns out invalid.</summary>
    public int Mark() => _sampleCount;

    public void Rollback(int mark) => _sampleCount = Math.Min(_sampleCount, mark);

    public void AddError(IngestError error)
    {
        ErrorCount++;
        if (_errors.Count < Limits.MaxErrorsReported)
        {
            _errors.Add(error);
        }
    }

    public void Fail(IngestFailureKind kind, IngestError error) => Failure ??= new IngestFailure(kind, error);

    private void FailTooManySamples() =>
        Fail(IngestFailureKind.TooLarge, new IngestError("request", null, string.Create(CultureInfo.InvariantCulture, $"the request has more than {Limits.MaxSamplesPerRequest} samples (limit MaxSamplesPerRequest); split it into smaller requests")));

    public static string FormatTime(long ms) =>
        ms is > -62135596800000 and < 253402300800000
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)
            : ms.ToString(CultureInfo.InvariantCulture) + " ms";

    public static string Truncate(ReadOnlySpan<char> text) => text.Length <= 64 ? text.ToString() : string.Concat(text[..61], "...");
}

/// <summary>Labels of one series being decoded (reused across series of a request).</summary>
public sealed class LabelScratch
{
    private readonly List<KeyValuePair<string, string>> _labels = [];

    public int Count => _labels.Count;

    public void Clear() => _labels.Clear();

    public void Add(string name, string value) => _labels.Add(new KeyValuePair<string, string>(name, value));

    public bool Validate(IngestLimits limits, out string? field, out string? error)
    {
        field = "labels";
        var count = 0;
        for (var i = 0; i < _labels.Count; i++)
        {
            var (name, value) = (_labels[i].Key, _labels[i].Value);
            field = "labels";
            if (name.Length > limits.MaxLabelNameLength)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"the label name '{SampleBatch.Truncate(name)}' is {name.Length} characters; at most {limits.MaxLabelNameLength} are allowed");
                return false;
            }

            if (!LabelNames.IsValid(name))
            {
                error = name.Length == 0 ? "a label name is empty" : $"'{SampleBatch.Truncate(name)}' is not a valid label name: use [a-zA-Z_][a-zA-Z0-9_]*";
                return false;
            }

            field = "labels." + name;
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                error = "label names starting with __ are reserved";
                return false;
            }

            if (value.Length > limits.MaxLabelValueLength)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"the value is {value.Length} characters; at most {limits.MaxLabelValueLength} are allowed");
                return false;
            }

            for (var j = 0; j < i; j++)
            {
                if (_labels[j].Key == name)
                {
                    error = $"the label '{name}' appears twice";
                    return false;
                }
            }

            if (value.Length > 0)
            {
                count++;
            }
        }

        if (count > limits.MaxLabelsPerSample)
        {
            field = "labels";
            error = string.Create(CultureInfo.InvariantCulture, $"{count} labels; at most {limits.MaxLabelsPerSample} are allowed per sample");
            return false;
        }

        field = null;
        error = null;
        return true;
    }

    /// <summary>The label set: empty values dropped (Prometheus semantics), then <paramref name="extra"/> set (it wins).</summary>
    public LabelSet ToLabelSet(LabelSet extra)
    {
        var set = LabelSet.From(_labels.Where(l => l.Value.Length > 0));
        return extra.Count == 0 ? set : set.Merge(extra);
    }
}
