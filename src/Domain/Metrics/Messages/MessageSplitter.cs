using System.Text.Encodings.Web;
using System.Text.Json;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Compaction;

namespace Vigil.Domain.Metrics.Messages;

/// <summary>
/// Splits a compacted request into queue messages that stay under the Service Bus limit (256 KB on Standard) as the
/// Functions host writes them: it re-serialises every queue output object as INDENTED JSON (Newtonsoft, two spaces,
/// CRLF on Windows hosts), so size is measured that way, not on our compact JSON. A series too large for one message
/// is split by buckets.
/// </summary>
public static class MessageSplitter
{
    /// <summary>The default budget: 256 KiB less room for the broker's headers and properties.</summary>
    public const int DefaultMaxMessageBytes = 240_000;

    private static readonly JsonSerializerOptions HostLikeOptions = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\r\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The size of <paramref name="message"/> as the host writes it (indented, CRLF).</summary>
    public static int MeasureAsHostWrites(MetricsMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, HostLikeOptions).Length;

    /// <summary>Indented serialisation as the host writes it (tests and the load harness compare against it).</summary>
    public static byte[] SerializeAsHostWrites(MetricsMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, HostLikeOptions);

    /// <summary>Messages with ids <c>{baseId}-0</c>, <c>{baseId}-1</c>, ... each at most <paramref name="maxBytes"/> as the host writes it.</summary>
    public static IReadOnlyList<MetricsMessage> Split(IReadOnlyList<CompactedSeries> series, string baseId, int maxBytes = DefaultMaxMessageBytes)
    {
        var envelope = MeasureAsHostWrites(new MetricsMessage { Id = baseId + "-000000", Series = [] }) + 16;
        var budget = maxBytes - envelope;
        var messages = new List<MetricsMessage>();
        var current = new List<MessageSeries>();
        var currentSize = 0;

        foreach (var entry in series)
        {
            foreach (var part in Parts(entry, budget))
            {
                var size = EntrySize(part);
                if (current.Count > 0 && currentSize + size > budget)
                {
                    Flush();
                }

                current.Add(part);
                currentSize += size;
            }
        }

        Flush();
        return messages;

        void Flush()
        {
            if (current.Count == 0)
            {
                return;
            }

            var message = new MetricsMessage { Id = $"{baseId}-{messages.Count}", Series = current.ToArray() };
            if (current.Count > 1 && MeasureAsHostWrites(message) > maxBytes)
            {
                // The estimate was off (never seen in tests): halve and try again.
                var half = current.Count / 2;
                var rest = current.Skip(half).ToList();
                current = current.Take(half).ToList();
                Flush();
                current = rest;
                Flush();
                return;
            }

            messages.Add(message);
            current = [];
            currentSize = 0;
        }
    }

    /// <summary>The entry's share of the message: its own indented size, four more spaces per line (it sits two levels deep) and the separator.</summary>
    private static int EntrySize(MessageSeries entry)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(entry, HostLikeOptions);
        var lines = bytes.AsSpan().Count((byte)'\n') + 1;
        return bytes.Length + (lines * 4) + 3;
    }

    private static List<MessageSeries> Parts(CompactedSeries entry, int budget)
    {
        var whole = MessageSeries.Create(entry, entry.Buckets);
        if (EntrySize(whole) <= budget || entry.Buckets.Count <= 1)
        {
            if (EntrySize(whole) > budget)
            {
                throw new InvalidOperationException($"One bucket of series {entry.Series.Metric}{entry.Series.Labels} does not fit in a message of {budget} bytes.");
            }

            return [whole];
        }

        // Too large: as many buckets per part as fit.
        var parts = new List<MessageSeries>();
        var part = new List<TimedAggregate>();
        foreach (var bucket in entry.Buckets)
        {
            part.Add(bucket);
            if (part.Count > 1 && EntrySize(MessageSeries.Create(entry, part)) > budget)
            {
                part.RemoveAt(part.Count - 1);
                parts.Add(MessageSeries.Create(entry, part));
                part = [bucket];
            }
        }

        parts.Add(MessageSeries.Create(entry, part));
        return parts;
    }
}
