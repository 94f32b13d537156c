using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;

namespace Vigil.Functions.Metrics.Store;

/// <summary>
/// The layout of the series table (docs/architecture.md, "Series store"). A series' partition is its fingerprint and holds
/// raw rows <c>b&lt;bucket start s, 11 digits&gt;-&lt;fingerprint&gt;</c> (ascending), the meta row <c>m-&lt;fingerprint&gt;</c>,
/// and rollup rows <c>r&lt;99999999999 − rollup start s&gt;-&lt;fingerprint&gt;</c> (newest first). So the rows one merge
/// touches (the newest raw buckets, the meta row, the newest rollups) are one contiguous RowKey range, and a 24 h window
/// is one range of rollups. Every row key ends with its partition's fingerprint, so no two rows of the table share a
/// RowKey: Azure does not care, but Azurite finds an entity through its RowKey index first and then scans every row
/// with that RowKey, which made each write cost as much as the number of series sharing the bucket (3,000 for 1,000
/// probes). Rows written before this layout (<c>b&lt;digits&gt;</c>, <c>m</c>, <c>r&lt;digits&gt;</c>) are no longer read;
/// retention removes them. Index partitions <c>i_&lt;metric&gt;</c> hold one row per series of that metric, for listing.
/// </summary>
public static class SeriesRows
{
    /// <summary>The meta row's key before row keys carried the fingerprint; retention still removes it.</summary>
    public const string LegacyMetaRow = "m";
    public const string IndexPrefix = "i_";
    public const string Aggregate = "Agg";
    public const string Ids = "Ids";
    public const string Start = "Start";

    /// <summary>Message ids a raw row remembers (8 bytes each); past this the oldest are forgotten.</summary>
    public const int MaxIdsPerRow = 4096;

    private const long InvertBase = 99_999_999_999;

    public static string RawKey(string fingerprint, long bucketStartMs) =>
        string.Concat("b", (bucketStartMs / 1000).ToString("D11", CultureInfo.InvariantCulture), "-", fingerprint);

    public static string RollupKey(string fingerprint, long rollupStartMs) =>
        string.Concat("r", (InvertBase - (rollupStartMs / 1000)).ToString("D11", CultureInfo.InvariantCulture), "-", fingerprint);

    public static string MetaKey(string fingerprint) => "m-" + fingerprint;

    public static string IndexPartition(string metric) => IndexPrefix + metric;

    /// <summary>The first 8 bytes of the SHA-256 of a message id: what raw rows keep to skip a redelivered message.</summary>
    public static ulong HashId(string messageId) => BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)), 0);

    public static HashSet<ulong> DecodeIds(byte[]? data)
    {
        var ids = new HashSet<ulong>();
        if (data is not null)
        {
            for (var i = 0; i + 8 <= data.Length; i += 8)
            {
                ids.Add(BitConverter.ToUInt64(data, i));
            }
        }

        return ids;
    }

    public static byte[] EncodeIds(IReadOnlyList<ulong> ids)
    {
        var kept = ids.Count > MaxIdsPerRow ? ids.Skip(ids.Count - MaxIdsPerRow).ToList() : ids;
        var data = new byte[kept.Count * 8];
        for (var i = 0; i < kept.Count; i++)
        {
            BitConverter.TryWriteBytes(data.AsSpan(i * 8), kept[i]);
        }

        return data;
    }

    public static List<ulong> DecodeIdList(byte[]? data)
    {
        var ids = new List<ulong>();
        if (data is not null)
        {
            for (var i = 0; i + 8 <= data.Length; i += 8)
            {
                ids.Add(BitConverter.ToUInt64(data, i));
            }
        }

        return ids;
    }

    public static string EncodeLabels(LabelSet labels) => JsonSerializer.Serialize(labels.ToDictionary());

    public static LabelSet DecodeLabels(string? json) =>
        string.IsNullOrEmpty(json) ? LabelSet.Empty : LabelSet.From(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []);

    public static TimedAggregate? DecodeRow(Vigil.Storage.Tables.TableEntity row) =>
        row.GetBinary(Aggregate) is { } data && row.GetInt64(Start) is { } start && BucketAggregate.TryDecode(data, out var aggregate)
            ? new TimedAggregate(start, aggregate!)
            : null;
}
