using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Tests.Metrics;

/// <summary>Generators of valid samples and their rendering in each ingest format (for round-trip properties).</summary>
public static class SampleGenerators
{
    public const long Now = 1_795_000_000_000; // 2026-11-18T...

    private static readonly string[] LabelNamePool = ["service", "route", "status", "env", "instance", "zone", "method", "_x", "a1"];

    /// <summary>Label values with every character the formats must escape, unicode, and quotes.</summary>
    private static readonly Gen<string> LabelValue = Gen.OneOf(
        Gen.Elements("api", "GET", "/orders/{id}", "a,b", "x=y", "with space", "quote\"d", "back\\slash", "new\nline", "ünï©ödé", "日本", "tab\there", "trailing\\", "=", ",", " lead"),
        Gen.Choose(0, 99999).Select(i => i.ToString(CultureInfo.InvariantCulture)));

    private static readonly Gen<double> Value = Gen.OneOf(
        Gen.Choose(-1000, 100000).Select(i => (double)i),
        Gen.Choose(1, 1_000_000).Select(i => i / 1000.0),
        Gen.Elements(0.0, -0.5, 1e-9, 1.7976931348623157e308, 5e-324, 123456789.123456789, 1e21, -2.5e-7));

    public static Gen<LabelSet> Labels => Gen.Choose(0, 4).SelectMany(count =>
        Gen.Shuffle(LabelNamePool).SelectMany(names =>
            LabelValue.ListOf(count).Select(values =>
                LabelSet.From(names.Take(count).Zip(values, (n, v) => (n, v)).ToArray()))));

    public static Gen<string> MetricName => Gen.Elements("http_requests_total", "latency_seconds", "queue:depth", "_private", "cpu", "a", "x1_y2");

    public static Gen<Sample> Sample(MetricKind[] kinds) =>
        from metric in MetricName
        from labels in Labels
        from value in Value
        from offset in Gen.Choose(-3_599_000, 299_000)
        from kind in Gen.Elements(kinds)
        select new Sample(metric, labels, value, Now + offset, kind);

    /// <summary>A list of samples in which a series keeps one kind (as the formats require).</summary>
    public static Gen<List<Sample>> Samples(MetricKind[] kinds) => Sample(kinds).ListOf().Select(list =>
    {
        var kindOf = new Dictionary<(string, LabelSet), MetricKind>();
        return list.Select(s => kindOf.TryAdd((s.Metric, s.Labels), s.Kind) ? s : s with { Kind = kindOf[(s.Metric, s.Labels)] }).ToList();
    });

    public static string ToJson(IEnumerable<Sample> samples, bool reverseLabels)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("samples");
            foreach (var sample in samples)
            {
                writer.WriteStartObject();
                writer.WriteString("kind", sample.Kind.ToText());
                writer.WriteStartObject("labels");
                foreach (var label in reverseLabels ? sample.Labels.Reverse() : sample.Labels)
                {
                    writer.WriteString(label.Name, label.Value);
                }

                writer.WriteEndObject();
                writer.WriteNumber("value", sample.Value);
                if (sample.TimestampMs % 2 == 0)
                {
                    writer.WriteString("timestamp", DateTimeOffset.FromUnixTimeMilliseconds(sample.TimestampMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteNumber("timestamp", sample.TimestampMs);
                }

                writer.WriteString("metric", sample.Metric);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Prometheus text: one family per sample (# TYPE counter or gauge), label values escaped.</summary>
    public static string ToPrometheus(IEnumerable<Sample> samples)
    {
        var builder = new StringBuilder();
        foreach (var group in samples.GroupBy(s => s.Metric))
        {
            var kind = group.First().Kind;
            builder.Append("# HELP ").Append(group.Key).Append(" Some help with \\\\ and \\n escapes.\n");
            builder.Append("# TYPE ").Append(group.Key).Append(kind == MetricKind.Counter ? " counter" : " gauge").Append('\n');
            foreach (var sample in group)
            {
                builder.Append(sample.Metric);
                if (sample.Labels.Count > 0)
                {
                    builder.Append('{').AppendJoin(",", sample.Labels.Select(l => l.Name + "=\"" + l.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"")).Append('}');
                }

                builder.Append(' ').Append(sample.Value.ToString("R", CultureInfo.InvariantCulture)).Append(' ').Append(sample.TimestampMs.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return builder.ToString();
    }

    /// <summary>Influx line protocol: measurement = the metric, field "value" (so the metric parses back as metric_value).</summary>
    public static string ToInflux(IEnumerable<Sample> samples)
    {
        var builder = new StringBuilder();
        foreach (var sample in samples)
        {
            builder.Append(sample.Metric);
            foreach (var label in sample.Labels)
            {
                builder.Append(',').Append(label.Name).Append('=').Append(EscapeTag(label.Value));
            }

            builder.Append(" value=").Append(sample.Value.ToString("R", CultureInfo.InvariantCulture))
                .Append(",note=\"a \\\"quoted\\\" string, with = and spaces\" ")
                .Append((sample.TimestampMs * 1_000_000).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return builder.ToString();
    }

    public static string EscapeTag(string value) =>
        value.Replace(",", "\\,", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal).Replace(" ", "\\ ", StringComparison.Ordinal);
}
