using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Metrics.Ingest;

/// <summary>
/// Vigil's JSON format: <c>{"samples":[{"metric":"m","labels":{"a":"b"},"value":1,"timestamp":"2026-11-21T12:00:00Z","kind":"counter"}]}</c>.
/// <c>labels</c>, <c>timestamp</c> (RFC 3339 or integer Unix milliseconds; default: the time received) and <c>kind</c>
/// (gauge, counter, delta; default gauge) are optional. One pass of <see cref="Utf8JsonReader"/> over the body; a series
/// seen before costs no allocation. Errors name the sample (<c>samples[3]</c>) and the field.
/// </summary>
public sealed class JsonSampleParser
{
    private const byte LabelSeparator = 0xFE;
    private const byte PairSeparator = 0xFF;

    private readonly LabelScratch _labels = new();
    private byte[] _key = new byte[512];
    private int _keyLength;
    private byte[] _metric = new byte[256];
    private int _metricLength;

    public static SampleBatch Parse(ReadOnlySpan<byte> utf8, IngestOptions options)
    {
        var batch = new SampleBatch(options);
        new JsonSampleParser().Parse(utf8, batch);
        return batch;
    }

    public void Parse(ReadOnlySpan<byte> utf8, SampleBatch batch)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                batch.Fail(IngestFailureKind.Malformed, new IngestError("body", null, "the body must be a JSON object: {\"samples\": [...]}"));
                return;
            }

            var sawSamples = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("samples"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        batch.Fail(IngestFailureKind.Malformed, new IngestError("body", "samples", "samples must be an array of sample objects"));
                        return;
                    }

                    sawSamples = true;
                    if (!ReadSamples(ref reader, batch))
                    {
                        return;
                    }
                }
                else
                {
                    var name = reader.GetString();
                    batch.Fail(IngestFailureKind.Malformed, new IngestError("body", name, $"unknown property '{SampleBatch.Truncate(name)}': the body is {{\"samples\": [...]}}"));
                    return;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new JsonException("unexpected data after the body object");
            }

            if (!sawSamples)
            {
                batch.Fail(IngestFailureKind.Malformed, new IngestError("body", "samples", "the body has no samples array: {\"samples\": [...]}"));
            }
        }
        catch (JsonException ex)
        {
            var line = LineOf(utf8, reader.BytesConsumed);
            var position = string.Create(CultureInfo.InvariantCulture, $"line {line}, byte {reader.BytesConsumed}");
            batch.Fail(IngestFailureKind.Malformed, new IngestError("body", null, $"not valid JSON at {position}: {FirstSentence(ex.Message)}", line));
        }
    }

    private bool ReadSamples(ref Utf8JsonReader reader, SampleBatch batch)
    {
        var index = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return true;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                batch.AddError(new IngestError(Item(index), null, "each sample must be a JSON object"));
                index++;
                continue;
            }

            ReadSample(ref reader, batch, index);
            if (batch.Failure is not null)
            {
                return false;
            }

            index++;
        }

        return true;
    }

    private void ReadSample(ref Utf8JsonReader reader, SampleBatch batch, int index)
    {
        _keyLength = 0;
        _metricLength = -1;
        double? value = null;
        long? timestamp = null;
        var kind = MetricKind.Gauge;
        var labelCount = 0;
        string? errorField = null;
        string? error = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (error is not null)
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (reader.ValueTextEquals("metric"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    (errorField, error) = ("metric", $"must be a string, not {Describe(reader.TokenType)}");
                    reader.Skip();
                    continue;
                }

                _metricLength = CopyValue(ref reader, ref _metric, 0);
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number)
                {
                    (errorField, error) = ("value", $"must be a finite number, not {Describe(reader.TokenType)}{(reader.TokenType == JsonTokenType.String ? " (NaN and Infinity are not accepted)" : string.Empty)}");
                    reader.Skip();
                    continue;
                }

                if (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    (errorField, error) = ("value", "is out of the range of a double");
                    continue;
                }

                value = number;
            }
            else if (reader.ValueTextEquals("labels"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    (errorField, error) = ("labels", $"must be an object of name: value strings, not {Describe(reader.TokenType)}");
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (error is not null)
                    {
                        reader.Read();
                        reader.Skip();
                        continue;
                    }

                    _keyLength = CopyValue(ref reader, ref _key, _keyLength);
                    var nameEnd = _keyLength;
                    Append(LabelSeparator);
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        (errorField, error) = ("labels." + Encoding.UTF8.GetString(_key.AsSpan(0, nameEnd)[(LastSeparator(nameEnd) + 1)..]), $"must be a string, not {Describe(reader.TokenType)}");
                        reader.Skip();
                        continue;
                    }

                    _keyLength = CopyValue(ref reader, ref _key, _keyLength);
                    Append(PairSeparator);
                    labelCount++;
                }
            }
            else if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    var ok = reader.ValueIsEscaped ? Rfc3339.TryParse(Encoding.UTF8.GetBytes(reader.GetString()!), out var ms) : Rfc3339.TryParse(reader.ValueSpan, out ms);
                    if (!ok)
                    {
                        (errorField, error) = ("timestamp", $"'{SampleBatch.Truncate(reader.GetString())}' is not an RFC 3339 time such as 2026-11-21T12:00:00.000Z");
                        continue;
                    }

                    timestamp = ms;
                }
                else if (reader.TokenType == JsonTokenType.Number)
                {
                    if (!reader.TryGetInt64(out var ms))
                    {
                        (errorField, error) = ("timestamp", "a number timestamp must be whole Unix milliseconds");
                        continue;
                    }

                    timestamp = ms;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    (errorField, error) = ("timestamp", $"must be an RFC 3339 string or Unix milliseconds, not {Describe(reader.TokenType)}");
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    (errorField, error) = ("kind", $"must be \"gauge\", \"counter\" or \"delta\", not {Describe(reader.TokenType)}");
                    reader.Skip();
                    continue;
                }

                if (reader.ValueTextEquals("gauge"u8))
                {
                    kind = MetricKind.Gauge;
                }
                else if (reader.ValueTextEquals("counter"u8))
                {
                    kind = MetricKind.Counter;
                }
                else if (reader.ValueTextEquals("delta"u8))
                {
                    kind = MetricKind.Delta;
                }
                else
                {
                    (errorField, error) = ("kind", $"unknown kind '{SampleBatch.Truncate(reader.GetString())}': use gauge, counter or delta");
                }
            }
            else
            {
                var name = reader.GetString();
                (errorField, error) = (name, $"unknown field '{SampleBatch.Truncate(name)}': a sample has metric, labels, value, timestamp and kind");
                reader.Read();
                reader.Skip();
            }
        }

        if (error is null && _metricLength < 0)
        {
            (errorField, error) = ("metric", "is required");
        }

        if (error is null && value is null)
        {
            (errorField, error) = ("value", "is required");
        }

        if (error is null && labelCount > batch.Limits.MaxLabelsPerSample)
        {
            (errorField, error) = ("labels", string.Create(CultureInfo.InvariantCulture, $"{labelCount} labels; at most {batch.Limits.MaxLabelsPerSample} are allowed per sample"));
        }

        var time = timestamp ?? batch.Options.ReceivedAtMs;
        if (error is null && !batch.CheckTimestamp(time, out var timeError))
        {
            (errorField, error) = ("timestamp", timeError);
        }

        if (error is not null)
        {
            batch.AddError(new IngestError(Item(index), errorField, error));
            return;
        }

        // The raw key: the labels as written, then the metric.
        Append(PairSeparator);
        EnsureKey(_metricLength);
        _metric.AsSpan(0, _metricLength).CopyTo(_key.AsSpan(_keyLength));
        _keyLength += _metricLength;
        var rawKey = _key.AsSpan(0, _keyLength);
        if (batch.TryGetSeries(rawKey, out var series))
        {
            if (batch.Series[series].Kind != kind)
            {
                batch.AddError(new IngestError(Item(index), "kind", SampleBatch.KindConflict(batch.Series[series].Kind, kind)));
                return;
            }
        }
        else
        {
            series = AddSeries(batch, rawKey, kind, out var field, out var seriesError);
            if (series < 0)
            {
                if (batch.Failure is null)
                {
                    batch.AddError(new IngestError(Item(index), field, seriesError!));
                }

                return;
            }
        }

        batch.AddSample(series, value!.Value, time);
    }

    private int AddSeries(SampleBatch batch, ReadOnlySpan<byte> rawKey, MetricKind kind, out string? field, out string? error)
    {
        _labels.Clear();
        var labelsPart = rawKey[..(rawKey.Length - _metricLength - 1)];
        while (!labelsPart.IsEmpty)
        {
            var nameEnd = labelsPart.IndexOf(LabelSeparator);
            var valueEnd = labelsPart.IndexOf(PairSeparator);
            _labels.Add(Encoding.UTF8.GetString(labelsPart[..nameEnd]), Encoding.UTF8.GetString(labelsPart[(nameEnd + 1)..valueEnd]));
            labelsPart = labelsPart[(valueEnd + 1)..];
        }

        var metric = Encoding.UTF8.GetString(_metric.AsSpan(0, _metricLength));
        return batch.AddSeries(rawKey, metric, _labels, kind, out field, out error);
    }

    private int LastSeparator(int end)
    {
        var index = _key.AsSpan(0, end).LastIndexOf(PairSeparator);
        return index;
    }

    private static int CopyValue(ref Utf8JsonReader reader, ref byte[] buffer, int offset)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var span = reader.ValueSpan;
            if (offset + span.Length > buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(buffer.Length * 2, offset + span.Length));
            }

            span.CopyTo(buffer.AsSpan(offset));
            return offset + span.Length;
        }

        var text = Encoding.UTF8.GetBytes(reader.GetString()!);
        if (offset + text.Length > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, offset + text.Length));
        }

        text.CopyTo(buffer.AsSpan(offset));
        return offset + text.Length;
    }

    private void Append(byte value)
    {
        EnsureKey(1);
        _key[_keyLength++] = value;
    }

    private void EnsureKey(int extra)
    {
        if (_keyLength + extra > _key.Length)
        {
            Array.Resize(ref _key, Math.Max(_key.Length * 2, _keyLength + extra));
        }
    }

    private static string Item(int index) => string.Create(CultureInfo.InvariantCulture, $"samples[{index}]");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => token.ToString(),
    };

    private static int LineOf(ReadOnlySpan<byte> utf8, long position)
    {
        var end = (int)Math.Min(position, utf8.Length);
        return utf8[..end].Count((byte)'\n') + 1;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.');
    }
}
