using System.Globalization;
using System.Text;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Metrics.Ingest;

/// <summary>
/// InfluxDB line protocol: <c>measurement[,tag=value...] field=value[,field=value...] [timestamp]</c>, one point per line
/// (<c>#</c> comments and blank lines skipped). Each numeric field becomes the gauge <c>&lt;measurement&gt;_&lt;field&gt;</c>
/// with the tags as labels; floats, integers (<c>2i</c>), unsigned integers (<c>2u</c>) and booleans (1/0) are numbers,
/// string fields are not metrics. Escapes: <c>\,</c> and <c>\ </c> in measurements; <c>\,</c> <c>\=</c> <c>\ </c> in tag keys,
/// tag values and field keys; <c>\"</c> and <c>\\</c> in string values; any other backslash is literal. Characters that
/// Prometheus names do not allow become <c>_</c> (a leading digit gets a <c>_</c> prefix). Timestamps are integers in
/// the request's precision (ns by default).
/// </summary>
public sealed class InfluxLineParser
{
    private const byte FieldSeparator = 0xFF;
    private const int MaxFieldsPerLine = 256;

    private readonly LabelScratch _labels = new();
    private readonly Field[] _fields = new Field[MaxFieldsPerLine];
    private byte[] _key = new byte[512];

    public static SampleBatch Parse(ReadOnlySpan<byte> utf8, IngestOptions options)
    {
        var batch = new SampleBatch(options);
        new InfluxLineParser().Parse(utf8, batch);
        return batch;
    }

    public void Parse(ReadOnlySpan<byte> utf8, SampleBatch batch)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        var lineNumber = 0;
        while (!utf8.IsEmpty)
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

            var error = ParseLine(line, lineNumber, batch, out var field);
            if (batch.Failure is not null)
            {
                return;
            }

            if (error is not null)
            {
                batch.AddError(new IngestError(Item(lineNumber), field, error, lineNumber));
            }
        }
    }

    private string? ParseLine(ReadOnlySpan<byte> line, int lineNumber, SampleBatch batch, out string? field)
    {
        field = null;
        var start = 0;
        while (start < line.Length && (line[start] == ' ' || line[start] == '\t'))
        {
            start++;
        }

        line = line[start..];
        if (line.IsEmpty || line[0] == '#')
        {
            return null;
        }

        if (line.Length > batch.Limits.MaxLineLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the line is {line.Length} bytes; at most {batch.Limits.MaxLineLength} are allowed");
        }

        if (line.IndexOf((byte)0) >= 0)
        {
            return "the line contains a NUL byte (binary data is not line protocol; gzip bodies need Content-Encoding: gzip)";
        }

        // Series key: up to the first unescaped space.
        var seriesEnd = FindUnescaped(line, (byte)' ', 0);
        if (seriesEnd < 0)
        {
            return "the line has no fields: expected 'measurement[,tag=value...] field=value[,field=value...] [timestamp]'";
        }

        var seriesKey = line[..seriesEnd];
        if (seriesKey.IsEmpty || seriesKey[0] == ',')
        {
            field = "measurement";
            return "the measurement name is empty";
        }

        // Fields.
        var p = seriesEnd + 1;
        var fieldCount = 0;
        while (true)
        {
            var keyStart = p;
            var equals = FindUnescaped(line, (byte)'=', p);
            var keyEnd = equals;
            if (equals < 0)
            {
                field = "fields";
                return "a field has no '=value'";
            }

            var stop = line[keyStart..equals].IndexOfAny((byte)' ', (byte)',');
            if (stop >= 0 && !IsEscaped(line, keyStart + stop))
            {
                field = "fields";
                return $"the field '{Text(line[keyStart..(keyStart + stop)])}' has no '=value'";
            }

            if (keyEnd == keyStart)
            {
                field = "fields";
                return "a field key is empty";
            }

            p = equals + 1;
            if (p >= line.Length || line[p] == ' ' || line[p] == ',')
            {
                field = "fields." + Text(line[keyStart..keyEnd]);
                return "the field has no value";
            }

            if (line[p] == '"')
            {
                // A string field: not a metric; skip to the closing quote.
                var q = p + 1;
                while (true)
                {
                    var next = line[q..].IndexOfAny((byte)'"', (byte)'\\');
                    if (next < 0)
                    {
                        field = "fields." + Text(line[keyStart..keyEnd]);
                        return "the string value has no closing quote";
                    }

                    q += next;
                    if (line[q] == '\\')
                    {
                        q += 2;
                        if (q > line.Length)
                        {
                            field = "fields." + Text(line[keyStart..keyEnd]);
                            return "the string value has no closing quote";
                        }

                        continue;
                    }

                    break;
                }

                p = q + 1;
            }
            else
            {
                var valueEnd = line[p..].IndexOfAny((byte)',', (byte)' ');
                valueEnd = valueEnd < 0 ? line.Length : p + valueEnd;
                var error = ParseFieldValue(line[p..valueEnd], out var value);
                if (error is not null)
                {
                    field = "fields." + Text(line[keyStart..keyEnd]);
                    return error;
                }

                if (fieldCount == MaxFieldsPerLine)
                {
                    field = "fields";
                    return string.Create(CultureInfo.InvariantCulture, $"the line has more than {MaxFieldsPerLine} numeric fields");
                }

                _fields[fieldCount++] = new Field(keyStart, keyEnd - keyStart, value);
                p = valueEnd;
            }

            if (p >= line.Length)
            {
                break;
            }

            if (line[p] == ',')
            {
                p++;
                continue;
            }

            if (line[p] == ' ')
            {
                break;
            }

            field = "fields." + Text(line[keyStart..keyEnd]);
            return $"unexpected '{(char)line[p]}' after the value";
        }

        // Timestamp.
        var timestamp = batch.Options.ReceivedAtMs;
        var rest = p < line.Length ? line[(p + 1)..].Trim((byte)' ') : default;
        if (!rest.IsEmpty)
        {
            if (!NumberText.TryParseInt64(rest, out var raw))
            {
                field = "timestamp";
                return $"'{Text(rest)}' is not an integer timestamp (the precision is set with ?precision=ns|us|ms|s)";
            }

            timestamp = batch.Options.Precision switch
            {
                InfluxPrecision.Seconds => raw is > long.MaxValue / 1000 or < long.MinValue / 1000 ? long.MaxValue : raw * 1000,
                InfluxPrecision.Milliseconds => raw,
                InfluxPrecision.Microseconds => raw / 1000,
                _ => raw / 1_000_000,
            };
        }

        if (!batch.CheckTimestamp(timestamp, out var timeError))
        {
            field = "timestamp";
            return timeError;
        }

        if (fieldCount == 0)
        {
            return null; // only string fields: nothing to store
        }

        // Samples: one series per numeric field.
        var mark = batch.Mark();
        EnsureKey(seriesKey.Length + 1);
        seriesKey.CopyTo(_key);
        _key[seriesKey.Length] = FieldSeparator;
        for (var i = 0; i < fieldCount; i++)
        {
            var f = _fields[i];
            var fieldKey = line.Slice(f.KeyStart, f.KeyLength);
            EnsureKey(seriesKey.Length + 1 + fieldKey.Length);
            fieldKey.CopyTo(_key.AsSpan(seriesKey.Length + 1));
            var rawKey = _key.AsSpan(0, seriesKey.Length + 1 + fieldKey.Length);
            if (!batch.TryGetSeries(rawKey, out var series))
            {
                series = AddSeries(batch, rawKey, seriesKey, fieldKey, out field, out var seriesError);
                if (series < 0)
                {
                    batch.Rollback(mark);
                    return seriesError;
                }
            }
            else if (batch.Series[series].Kind != MetricKind.Gauge)
            {
                batch.Rollback(mark);
                field = "fields." + Text(fieldKey);
                return SampleBatch.KindConflict(batch.Series[series].Kind, MetricKind.Gauge);
            }

            if (!batch.AddSample(series, f.Value, timestamp))
            {
                return null;
            }
        }

        return null;
    }

    private int AddSeries(SampleBatch batch, ReadOnlySpan<byte> rawKey, ReadOnlySpan<byte> seriesKey, ReadOnlySpan<byte> fieldKey, out string? field, out string? error)
    {
        field = null;
        _labels.Clear();
        var measurementEnd = FindUnescaped(seriesKey, (byte)',', 0);
        var measurementRaw = measurementEnd < 0 ? seriesKey : seriesKey[..measurementEnd];
        var measurement = Sanitize(Unescape(measurementRaw, tagStyle: false), allowColon: true);
        var fieldName = Sanitize(Unescape(fieldKey, tagStyle: true), allowColon: true);
        var p = measurementEnd < 0 ? seriesKey.Length : measurementEnd + 1;
        while (p < seriesKey.Length)
        {
            var end = FindUnescaped(seriesKey, (byte)',', p);
            var tag = end < 0 ? seriesKey[p..] : seriesKey[p..end];
            var equals = FindUnescaped(tag, (byte)'=', 0);
            if (equals <= 0)
            {
                field = "tags";
                error = equals == 0 ? "a tag key is empty" : $"the tag '{Text(tag)}' has no '=value'";
                return -1;
            }

            var name = Unescape(tag[..equals], tagStyle: true);
            if (equals == tag.Length - 1)
            {
                field = "tags." + name;
                error = "the tag has no value";
                return -1;
            }

            _labels.Add(Sanitize(name, allowColon: false), Unescape(tag[(equals + 1)..], tagStyle: true));
            p = end < 0 ? seriesKey.Length : end + 1;
        }

        return batch.AddSeries(rawKey, measurement + "_" + fieldName, _labels, MetricKind.Gauge, out field, out error);
    }

    private static string? ParseFieldValue(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var last = text[^1];
        if (last == 'i')
        {
            if (!NumberText.TryParseInt64(text[..^1], out var integer))
            {
                return $"'{Text(text)}' is not a 64-bit integer";
            }

            value = integer;
            return null;
        }

        if (last == 'u')
        {
            if (!NumberText.TryParseUInt64(text[..^1], out var unsigned))
            {
                return $"'{Text(text)}' is not an unsigned 64-bit integer";
            }

            value = unsigned;
            return null;
        }

        if (NumberText.TryParseDecimal(text, out value))
        {
            if (!double.IsFinite(value))
            {
                return $"'{Text(text)}' is out of the range of a double";
            }

            return null;
        }

        switch (text)
        {
            case [(byte)'t' or (byte)'T']:
            case [(byte)'t', (byte)'r', (byte)'u', (byte)'e']:
            case [(byte)'T', (byte)'r', (byte)'u', (byte)'e']:
            case [(byte)'T', (byte)'R', (byte)'U', (byte)'E']:
                value = 1;
                return null;
            case [(byte)'f' or (byte)'F']:
            case [(byte)'f', (byte)'a', (byte)'l', (byte)'s', (byte)'e']:
            case [(byte)'F', (byte)'a', (byte)'l', (byte)'s', (byte)'e']:
            case [(byte)'F', (byte)'A', (byte)'L', (byte)'S', (byte)'E']:
                value = 0;
                return null;
        }

        return $"'{Text(text)}' is not a field value: use a float (1.5), an integer (2i), an unsigned integer (2u), a boolean (t/f) or a \"string\" (NaN and Inf are not accepted)";
    }

    /// <summary>Index of the first <paramref name="target"/> at or after <paramref name="from"/> not preceded by a backslash escape.</summary>
    private static int FindUnescaped(ReadOnlySpan<byte> text, byte target, int from)
    {
        var p = from;
        while (p < text.Length)
        {
            var next = text[p..].IndexOfAny(target, (byte)'\\');
            if (next < 0)
            {
                return -1;
            }

            p += next;
            if (text[p] == target)
            {
                return p;
            }

            p += 2; // skip the escaped character
        }

        return -1;
    }

    private static bool IsEscaped(ReadOnlySpan<byte> text, int index)
    {
        var backslashes = 0;
        for (var i = index - 1; i >= 0 && text[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static string Unescape(ReadOnlySpan<byte> text, bool tagStyle)
    {
        if (text.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(text);
        }

        var bytes = new byte[text.Length];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && (text[i + 1] == ',' || text[i + 1] == ' ' || (tagStyle && text[i + 1] == '=')))
            {
                i++;
            }

            bytes[length++] = text[i];
        }

        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    /// <summary>Maps a name onto Prometheus's alphabet: other characters become '_', a leading digit gets a '_' prefix.</summary>
    public static string Sanitize(string name, bool allowColon)
    {
        var valid = name.Length > 0 && !char.IsAsciiDigit(name[0]);
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':')))
            {
                valid = false;
                break;
            }
        }

        if (valid)
        {
            return name;
        }

        var builder = new StringBuilder(name.Length + 1);
        if (name.Length > 0 && char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return builder.ToString();
    }

    private void EnsureKey(int length)
    {
        if (length > _key.Length)
        {
            Array.Resize(ref _key, Math.Max(_key.Length * 2, length));
        }
    }

    private static string Item(int line) => string.Create(CultureInfo.InvariantCulture, $"line {line}");

    private static string Text(ReadOnlySpan<byte> bytes) => SampleBatch.Truncate(Encoding.UTF8.GetString(bytes));

    private readonly record struct Field(int KeyStart, int KeyLength, double Value);
}
