using System.Globalization;
using System.Text;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Metrics.Ingest;

/// <summary>
/// Prometheus text exposition format 0.0.4 (a client library's /metrics page, a Pushgateway body):
/// <c># HELP</c>/<c># TYPE</c> lines, then <c>name{label="value",...} value [timestamp_ms]</c>.
/// Counters become counter series; gauges and untyped samples gauges; summaries give gauges per <c>quantile</c> (a NaN
/// quantile, "no observations yet", is skipped) plus <c>_sum</c>/<c>_count</c> counters; histograms give <c>_sum</c>/<c>_count</c>
/// counters plus one histogram series on the base name holding the cumulative <c>_bucket</c> counts, from which
/// percentiles over a window are read (docs/ingest.md, "Histograms"). Label values unescape <c>\\</c>, <c>\"</c> and
/// <c>\n</c>. A series seen before costs no allocation.
/// </summary>
public sealed class PrometheusTextParser
{
    private const byte Separator = 0xFF;
    private const int MaxLabels = 64;

    private readonly LabelScratch _labels = new();
    private readonly LabelPosition[] _positions = new LabelPosition[MaxLabels];
    private readonly RawKeyTable _histogramKeys = new();
    private readonly List<HistogramBuilder> _histograms = [];
    private readonly HashSet<string> _typed = new(StringComparer.Ordinal);
    private byte[] _key = new byte[512];
    private byte[] _family = [];
    private string _familyName = string.Empty;
    private FamilyType _familyType = FamilyType.None;

    private enum FamilyType
    {
        None,
        Counter,
        Gauge,
        Untyped,
        Histogram,
        Summary,
    }

    private enum Role
    {
        Plain,
        Bucket,
        HistogramSum,
        HistogramCount,
        SummaryQuantile,
    }

    public static SampleBatch Parse(ReadOnlySpan<byte> utf8, IngestOptions options)
    {
        var batch = new SampleBatch(options);
        new PrometheusTextParser().Parse(utf8, batch);
        return batch;
    }

    public void Parse(ReadOnlySpan<byte> utf8, SampleBatch batch)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        var lineNumber = 0;
        while (!utf8.IsEmpty && batch.Failure is null)
        {
            lineNumber++;
            var newline = utf8.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line;
            if (newline < 0)
            {
                line = utf8;
                utf8 = default;
            }
            else
            {
                line = utf8[..newline];
                utf8 = utf8[(newline + 1)..];
            }

            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            var start = 0;
            while (start < line.Length && (line[start] == ' ' || line[start] == '\t'))
            {
                start++;
            }

            line = line[start..];
            if (line.IsEmpty)
            {
                continue;
            }

            string? field = null;
            string? error;
            if (line.Length > batch.Limits.MaxLineLength)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"the line is {line.Length} bytes; at most {batch.Limits.MaxLineLength} are allowed");
            }
            else if (line[0] == '#')
            {
                error = ParseComment(line, batch, out field);
            }
            else
            {
                error = ParseSample(line, lineNumber, batch, out field);
            }

            if (error is not null && batch.Failure is null)
            {
                batch.AddError(new IngestError(Item(lineNumber), field, error, lineNumber));
            }
        }

        if (batch.Failure is null)
        {
            FlushFamily(batch);
        }
    }

    private string? ParseComment(ReadOnlySpan<byte> line, SampleBatch batch, out string? field)
    {
        field = null;
        var rest = TrimStart(line[1..]);
        var isType = rest.StartsWith("TYPE"u8) && rest.Length > 4 && rest[4] is (byte)' ' or (byte)'\t';
        var isHelp = rest.StartsWith("HELP"u8) && rest.Length > 4 && rest[4] is (byte)' ' or (byte)'\t';
        if (!isType && !isHelp)
        {
            return null; // an ordinary comment
        }

        rest = TrimStart(rest[4..]);
        var nameEnd = rest.IndexOfAny((byte)' ', (byte)'\t');
        var name = nameEnd < 0 ? rest : rest[..nameEnd];
        if (!IsMetricName(name))
        {
            field = "metric";
            return $"'{Text(name)}' is not a valid metric name in # {(isType ? "TYPE" : "HELP")}: use [a-zA-Z_:][a-zA-Z0-9_:]*";
        }

        if (isHelp)
        {
            return null;
        }

        var typeText = nameEnd < 0 ? default : rest[(nameEnd + 1)..].Trim((byte)' ').Trim((byte)'\t');
        FamilyType type;
        if (typeText.SequenceEqual("counter"u8))
        {
            type = FamilyType.Counter;
        }
        else if (typeText.SequenceEqual("gauge"u8))
        {
            type = FamilyType.Gauge;
        }
        else if (typeText.SequenceEqual("histogram"u8))
        {
            type = FamilyType.Histogram;
        }
        else if (typeText.SequenceEqual("summary"u8))
        {
            type = FamilyType.Summary;
        }
        else if (typeText.SequenceEqual("untyped"u8))
        {
            type = FamilyType.Untyped;
        }
        else
        {
            field = "type";
            return $"unknown metric type '{Text(typeText)}': use counter, gauge, histogram, summary or untyped";
        }

        FlushFamily(batch);
        var nameText = Encoding.ASCII.GetString(name);
        if (!_typed.Add(nameText))
        {
            field = "type";
            _familyType = FamilyType.None;
            _familyName = string.Empty;
            _family = [];
            return $"a second # TYPE line for '{nameText}': all lines of a metric family must form one group";
        }

        _familyName = nameText;
        _family = name.ToArray();
        _familyType = type;
        return null;
    }

    private string? ParseSample(ReadOnlySpan<byte> line, int lineNumber, SampleBatch batch, out string? field)
    {
        field = null;
        var nameEnd = 0;
        while (nameEnd < line.Length && IsNameByte(line[nameEnd], nameEnd == 0))
        {
            nameEnd++;
        }

        if (nameEnd == 0)
        {
            field = "metric";
            return $"expected a metric name at the start of the line, found '{(char)line[0]}'";
        }

        var name = line[..nameEnd];
        var p = nameEnd;
        var labelsEnd = nameEnd;
        var hasLabels = p < line.Length && line[p] == '{';
        if (hasLabels)
        {
            labelsEnd = FindLabelsEnd(line, p + 1);
            if (labelsEnd < 0)
            {
                field = "labels";
                return "the label set has no closing '}' (or a label value no closing quote)";
            }

            labelsEnd++;
            p = labelsEnd;
        }

        if (p >= line.Length || (line[p] != ' ' && line[p] != '\t'))
        {
            field = "value";
            return p >= line.Length ? "the line has no value" : $"expected a space and the value after '{Text(line[..p])}'";
        }

        var rest = TrimStart(line[p..]);
        var valueEnd = rest.IndexOfAny((byte)' ', (byte)'\t');
        var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
        if (!TryParseValue(valueText, out var value))
        {
            field = "value";
            return $"'{Text(valueText)}' is not a number";
        }

        var timestamp = batch.Options.ReceivedAtMs;
        if (valueEnd >= 0)
        {
            var tsText = rest[valueEnd..].Trim((byte)' ').Trim((byte)'\t');
            if (!tsText.IsEmpty)
            {
                if (!NumberText.TryParseInt64(tsText, out timestamp))
                {
                    field = "timestamp";
                    return $"'{Text(tsText)}' is not a timestamp: use integer Unix milliseconds";
                }
            }
        }

        var (role, kind) = Classify(name);
        if (role == Role.Plain && !double.IsFinite(value))
        {
            field = "value";
            return $"{Text(valueText)} is not stored: values must be finite numbers";
        }

        if (!batch.CheckTimestamp(timestamp, out var timeError))
        {
            field = "timestamp";
            return timeError;
        }

        if (role is Role.Bucket or Role.HistogramSum or Role.HistogramCount)
        {
            return ParseHistogramLine(line[..labelsEnd], name, hasLabels ? line[(nameEnd + 1)..(labelsEnd - 1)] : default, role, value, timestamp, lineNumber, batch, out field);
        }

        if (role == Role.SummaryQuantile && double.IsNaN(value))
        {
            return null; // a summary with no observations yet
        }

        if (!double.IsFinite(value))
        {
            field = "value";
            return $"{Text(valueText)} is not stored: values must be finite numbers";
        }

        var rawKey = line[..labelsEnd];
        if (batch.TryGetSeries(rawKey, out var series))
        {
            if (batch.Series[series].Kind != kind)
            {
                field = "kind";
                return SampleBatch.KindConflict(batch.Series[series].Kind, kind);
            }
        }
        else
        {
            var error = DecodeLabels(hasLabels ? line[(nameEnd + 1)..(labelsEnd - 1)] : default, out var count, out field);
            if (error is not null)
            {
                return error;
            }

            _labels.Clear();
            for (var i = 0; i < count; i++)
            {
                _labels.Add(_positions[i].Name, _positions[i].Value);
            }

            series = batch.AddSeries(rawKey, Encoding.ASCII.GetString(name), _labels, kind, out field, out error);
            if (series < 0)
            {
                return error;
            }
        }

        batch.AddSample(series, value, timestamp);
        return null;
    }

    /// <param name="seriesText">The line up to the end of its label set (the raw series key).</param>
    private string? ParseHistogramLine(ReadOnlySpan<byte> seriesText, ReadOnlySpan<byte> name, ReadOnlySpan<byte> labelText, Role role, double value, long timestamp, int lineNumber, SampleBatch batch, out string? field)
    {
        var error = DecodeLabels(labelText, out var count, out field);
        if (error is not null)
        {
            return error;
        }

        // The histogram instance: the family name and every label but le, as written.
        var length = 0;
        string? le = null;
        EnsureKey(_family.Length + 1);
        _family.CopyTo(_key, 0);
        length = _family.Length;
        _key[length++] = Separator;
        for (var i = 0; i < count; i++)
        {
            if (_positions[i].Name == "le")
            {
                le = _positions[i].Value;
                continue;
            }

            var nameBytes = Encoding.UTF8.GetByteCount(_positions[i].Name) + Encoding.UTF8.GetByteCount(_positions[i].Value) + 2;
            EnsureKey(length + nameBytes);
            length += Encoding.UTF8.GetBytes(_positions[i].Name, _key.AsSpan(length));
            _key[length++] = Separator;
            length += Encoding.UTF8.GetBytes(_positions[i].Value, _key.AsSpan(length));
            _key[length++] = Separator;
        }

        var instanceKey = _key.AsSpan(0, length);
        if (!_histogramKeys.TryGet(instanceKey, out var index))
        {
            index = _histograms.Count;
            var labels = new List<KeyValuePair<string, string>>();
            for (var i = 0; i < count; i++)
            {
                if (_positions[i].Name != "le")
                {
                    labels.Add(new KeyValuePair<string, string>(_positions[i].Name, _positions[i].Value));
                }
            }

            _histograms.Add(new HistogramBuilder(instanceKey.ToArray(), labels, lineNumber));
            _histogramKeys.Add(instanceKey, index);
        }

        var builder = _histograms[index];
        builder.TimestampMs = Math.Max(builder.TimestampMs, timestamp);
        if (role == Role.Bucket)
        {
            if (le is null)
            {
                builder.Invalid = true;
                field = "le";
                return "a _bucket line needs an le label";
            }

            if (!TryParseValue(Encoding.UTF8.GetBytes(le), out var bound) || double.IsNaN(bound))
            {
                builder.Invalid = true;
                field = "le";
                return $"le=\"{SampleBatch.Truncate(le)}\" is not a number (use e.g. 0.5 or +Inf)";
            }

            if (!double.IsFinite(value) || value < 0)
            {
                builder.Invalid = true;
                field = "value";
                return "a bucket count must be a finite number, at least 0";
            }

            builder.Buckets.Add((bound, value, lineNumber));
            return null;
        }

        if (!double.IsFinite(value))
        {
            field = "value";
            return "values must be finite numbers";
        }

        if (role == Role.HistogramSum)
        {
            builder.Sum = value;
        }
        else
        {
            builder.Count = value;
        }

        // _sum and _count are counters in their own right too.
        var rawKey = seriesText;
        if (batch.TryGetSeries(rawKey, out var series))
        {
            if (batch.Series[series].Kind != MetricKind.Counter)
            {
                field = "kind";
                return SampleBatch.KindConflict(batch.Series[series].Kind, MetricKind.Counter);
            }
        }
        else
        {
            _labels.Clear();
            for (var i = 0; i < count; i++)
            {
                _labels.Add(_positions[i].Name, _positions[i].Value);
            }

            series = batch.AddSeries(rawKey, Encoding.ASCII.GetString(name), _labels, MetricKind.Counter, out field, out var error2);
            if (series < 0)
            {
                return error2;
            }
        }

        batch.AddSample(series, value, timestamp);
        return null;
    }

    private void FlushFamily(SampleBatch batch)
    {
        foreach (var builder in _histograms)
        {
            if (builder.Invalid || batch.Failure is not null)
            {
                continue;
            }

            var error = builder.Validate(out var field, out var line);
            if (error is not null)
            {
                batch.AddError(new IngestError(Item(line), field, error, line));
                continue;
            }

            _labels.Clear();
            foreach (var (labelName, labelValue) in builder.Labels)
            {
                _labels.Add(labelName, labelValue);
            }

            var series = batch.TryGetSeries(builder.Key, out var existing) ? existing : batch.AddSeries(builder.Key, _familyName, _labels, MetricKind.Histogram, out field, out error);
            if (series < 0)
            {
                if (batch.Failure is null)
                {
                    batch.AddError(new IngestError(Item(builder.FirstLine), field, error!, builder.FirstLine));
                }

                continue;
            }

            if (batch.Series[series].Kind != MetricKind.Histogram)
            {
                batch.AddError(new IngestError(Item(builder.FirstLine), "kind", SampleBatch.KindConflict(batch.Series[series].Kind, MetricKind.Histogram), builder.FirstLine));
                continue;
            }

            var bounds = builder.Buckets.Select(b => b.Bound).ToArray();
            var counts = builder.Buckets.Select(b => b.Count).ToArray();
            batch.AddHistogram(series, bounds, new HistogramSnapshot(builder.TimestampMs == long.MinValue ? batch.Options.ReceivedAtMs : builder.TimestampMs, counts, builder.Sum ?? 0, builder.Count ?? counts[^1]));
        }

        _histograms.Clear();
        _histogramKeys.Clear();
        _familyType = FamilyType.None;
        _familyName = string.Empty;
        _family = [];
    }

    private (Role Role, MetricKind Kind) Classify(ReadOnlySpan<byte> name)
    {
        if (_familyType == FamilyType.None || !name.StartsWith(_family))
        {
            return (Role.Plain, MetricKind.Gauge);
        }

        var suffix = name[_family.Length..];
        switch (_familyType)
        {
            case FamilyType.Counter when suffix.IsEmpty || suffix.SequenceEqual("_total"u8):
                return (Role.Plain, MetricKind.Counter);
            case FamilyType.Gauge or FamilyType.Untyped when suffix.IsEmpty:
                return (Role.Plain, MetricKind.Gauge);
            case FamilyType.Histogram when suffix.SequenceEqual("_bucket"u8):
                return (Role.Bucket, MetricKind.Histogram);
            case FamilyType.Histogram when suffix.SequenceEqual("_sum"u8):
                return (Role.HistogramSum, MetricKind.Counter);
            case FamilyType.Histogram when suffix.SequenceEqual("_count"u8):
                return (Role.HistogramCount, MetricKind.Counter);
            case FamilyType.Summary when suffix.IsEmpty:
                return (Role.SummaryQuantile, MetricKind.Gauge);
            case FamilyType.Summary when suffix.SequenceEqual("_sum"u8) || suffix.SequenceEqual("_count"u8):
                return (Role.Plain, MetricKind.Counter);
            default:
                return (Role.Plain, MetricKind.Gauge);
        }
    }

    /// <summary>Index of the closing '}' of a label set starting at <paramref name="from"/>, skipping quoted values; -1 if none.</summary>
    private static int FindLabelsEnd(ReadOnlySpan<byte> line, int from)
    {
        var p = from;
        while (p < line.Length)
        {
            var next = line[p..].IndexOfAny((byte)'"', (byte)'}');
            if (next < 0)
            {
                return -1;
            }

            p += next;
            if (line[p] == '}')
            {
                return p;
            }

            // Inside a quoted value: find the closing quote, skipping escapes.
            p++;
            while (true)
            {
                var q = line[p..].IndexOfAny((byte)'"', (byte)'\\');
                if (q < 0)
                {
                    return -1;
                }

                p += q;
                if (line[p] == '\\')
                {
                    p += 2;
                    if (p >= line.Length)
                    {
                        return -1;
                    }

                    continue;
                }

                p++;
                break;
            }
        }

        return -1;
    }

    /// <summary>Parses <c>name="value",...</c> (the text between the braces) into <see cref="_positions"/>.</summary>
    private string? DecodeLabels(ReadOnlySpan<byte> text, out int count, out string? field)
    {
        count = 0;
        field = "labels";
        var p = 0;
        while (true)
        {
            p = SkipSpaces(text, p);
            if (p >= text.Length)
            {
                return null;
            }

            var nameStart = p;
            while (p < text.Length && IsLabelNameByte(text[p], p == nameStart))
            {
                p++;
            }

            if (p == nameStart)
            {
                return $"expected a label name, found '{(char)text[p]}'";
            }

            var name = Encoding.ASCII.GetString(text[nameStart..p]);
            field = "labels." + name;
            p = SkipSpaces(text, p);
            if (p >= text.Length || text[p] != '=')
            {
                return "expected '=' after the label name";
            }

            p = SkipSpaces(text, p + 1);
            if (p >= text.Length || text[p] != '"')
            {
                return "the label value must be in double quotes";
            }

            p++;
            var value = new StringBuilder();
            var segmentStart = p;
            while (true)
            {
                var next = text[p..].IndexOfAny((byte)'"', (byte)'\\');
                if (next < 0)
                {
                    return "the label value has no closing quote";
                }

                p += next;
                if (text[p] == '"')
                {
                    value.Append(Encoding.UTF8.GetString(text[segmentStart..p]));
                    p++;
                    break;
                }

                value.Append(Encoding.UTF8.GetString(text[segmentStart..p]));
                if (p + 1 >= text.Length)
                {
                    return "the label value ends in a lone backslash";
                }

                switch (text[p + 1])
                {
                    case (byte)'\\':
                        value.Append('\\');
                        break;
                    case (byte)'"':
                        value.Append('"');
                        break;
                    case (byte)'n':
                        value.Append('\n');
                        break;
                    default:
                        return $"invalid escape '\\{(char)text[p + 1]}' in the label value: use \\\\, \\\" or \\n";
                }

                p += 2;
                segmentStart = p;
            }

            if (count == MaxLabels)
            {
                field = "labels";
                return string.Create(CultureInfo.InvariantCulture, $"more than {MaxLabels} labels");
            }

            _positions[count++] = new LabelPosition(name, value.ToString());
            p = SkipSpaces(text, p);
            if (p >= text.Length)
            {
                field = null;
                return null;
            }

            if (text[p] != ',')
            {
                return $"expected ',' or '}}' after the label value, found '{(char)text[p]}'";
            }

            p++;
        }
    }

    private static bool TryParseValue(ReadOnlySpan<byte> text, out double value)
    {
        if (NumberText.TryParseDecimal(text, out value))
        {
            return true;
        }

        var body = text;
        var negative = false;
        if (!body.IsEmpty && (body[0] == '+' || body[0] == '-'))
        {
            negative = body[0] == '-';
            body = body[1..];
        }

        if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (text.Length == body.Length && Ascii.EqualsIgnoreCase(body, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        return false;
    }

    private static bool IsMetricName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (!IsNameByte(name[i], i == 0))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNameByte(byte b, bool first) =>
        (uint)((b | 0x20) - 'a') <= 'z' - 'a' || b == '_' || b == ':' || (!first && (uint)(b - '0') <= 9);

    private static bool IsLabelNameByte(byte b, bool first) =>
        (uint)((b | 0x20) - 'a') <= 'z' - 'a' || b == '_' || (!first && (uint)(b - '0') <= 9);

    private static int SkipSpaces(ReadOnlySpan<byte> text, int p)
    {
        while (p < text.Length && (text[p] == ' ' || text[p] == '\t'))
        {
            p++;
        }

        return p;
    }

    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> text) => text[SkipSpaces(text, 0)..];

    private void EnsureKey(int length)
    {
        if (length > _key.Length)
        {
            Array.Resize(ref _key, Math.Max(_key.Length * 2, length));
        }
    }

    private static string Item(int line) => string.Create(CultureInfo.InvariantCulture, $"line {line}");

    private static string Text(ReadOnlySpan<byte> bytes) => SampleBatch.Truncate(Encoding.UTF8.GetString(bytes));

    private readonly record struct LabelPosition(string Name, string Value);

    private sealed class HistogramBuilder
    {
        public HistogramBuilder(byte[] key, List<KeyValuePair<string, string>> labels, int firstLine)
        {
            Key = key;
            Labels = labels;
            FirstLine = firstLine;
        }

        public byte[] Key { get; }

        public List<KeyValuePair<string, string>> Labels { get; }

        public int FirstLine { get; }

        public List<(double Bound, double Count, int Line)> Buckets { get; } = [];

        public double? Sum { get; set; }

        public double? Count { get; set; }

        public long TimestampMs { get; set; } = long.MinValue;

        public bool Invalid { get; set; }

        public string? Validate(out string? field, out int line)
        {
            field = "le";
            line = FirstLine;
            if (Buckets.Count == 0)
            {
                field = null;
                return "the histogram has _sum/_count lines but no _bucket lines";
            }

            Buckets.Sort((a, b) => a.Bound.CompareTo(b.Bound));
            for (var i = 1; i < Buckets.Count; i++)
            {
                line = Buckets[i].Line;
                if (Buckets[i].Bound == Buckets[i - 1].Bound)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"le=\"{Buckets[i].Bound}\" appears twice");
                }

                if (Buckets[i].Count < Buckets[i - 1].Count)
                {
                    field = "value";
                    return string.Create(CultureInfo.InvariantCulture, $"bucket le=\"{Format(Buckets[i].Bound)}\" counts {Buckets[i].Count}, fewer than le=\"{Format(Buckets[i - 1].Bound)}\" ({Buckets[i - 1].Count}): bucket counts are cumulative");
                }
            }

            if (!double.IsPositiveInfinity(Buckets[^1].Bound))
            {
                line = FirstLine;
                return "the histogram has no le=\"+Inf\" bucket";
            }

            if (Buckets.Count > 1024)
            {
                line = FirstLine;
                return "the histogram has more than 1024 buckets";
            }

            return null;
        }

        private static string Format(double bound) => double.IsPositiveInfinity(bound) ? "+Inf" : bound.ToString(CultureInfo.InvariantCulture);
    }
}
