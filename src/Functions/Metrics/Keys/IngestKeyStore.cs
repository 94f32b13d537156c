using System.Security.Cryptography;
using Azure;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Metrics.Keys;

/// <summary>Ingest keys in Table Storage: partition <c>keys</c>, row = key id, the SHA-256 of the key, its source.</summary>
public sealed class IngestKeyStore
{
    private const string Partition = "keys";
    private readonly VigilTables _tables;
    private readonly TimeProvider _time;

    public IngestKeyStore(VigilTables tables, TimeProvider time)
    {
        _tables = tables;
        _time = time;
    }

    public enum ImportResult
    {
        Created,
        AlreadyPresent,
        Conflict,
    }

    /// <summary>Stores <paramref name="key"/> (generated or imported). Importing the same key twice is not an error.</summary>
    public async Task<(ImportResult Result, IngestKeyInfo Info)> AddAsync(string key, string source, string? description, CancellationToken ct)
    {
        if (!IngestKeyFormat.TryGetId(key, out var id))
        {
            throw new ArgumentException("The key is not of the form vgl_<id>_<secret>.", nameof(key));
        }

        var table = await _tables.GetAsync(TableNames.IngestKeys, ct);
        var now = _time.GetUtcNow();
        var entity = new TableEntity(Partition, id)
        {
            ["Source"] = source,
            ["Hash"] = IngestKeyFormat.Hash(key),
            ["CreatedAt"] = now,
        };
        if (description is not null)
        {
            entity["Description"] = description;
        }

        try
        {
            await table.AddEntityAsync(entity, ct);
            return (ImportResult.Created, new IngestKeyInfo(id, source, description, now, null));
        }
        catch (TableConflictException)
        {
            var existing = await table.GetEntityIfExistsAsync(Partition, id, null, ct);
            if (existing.HasValue && existing.Value is { } row && row.GetBinary("Hash") is { } hash
                && CryptographicOperations.FixedTimeEquals(hash, IngestKeyFormat.Hash(key)) && row.GetString("Source") == source && row.GetDateTimeOffset("RevokedAt") is null)
            {
                return (ImportResult.AlreadyPresent, ToInfo(row));
            }

            return (ImportResult.Conflict, new IngestKeyInfo(id, source, description, now, null));
        }
    }

    /// <summary>The stored key with this id, with its hash (for verification); null when there is none.</summary>
    public async Task<(IngestKeyInfo Info, byte[] Hash)?> FindAsync(string id, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableNames.IngestKeys, ct);
        var response = await table.GetEntityIfExistsAsync(Partition, id, null, ct);
        if (!response.HasValue || response.Value is not { } row || row.GetBinary("Hash") is not { } hash)
        {
            return null;
        }

        return (ToInfo(row), hash);
    }

    public async Task<IReadOnlyList<IngestKeyInfo>> ListAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableNames.IngestKeys, ct);
        var result = new List<IngestKeyInfo>();
        await foreach (var row in table.QueryAsync(TableFilter.Create($"PartitionKey eq {Partition}"), 1000, ["RowKey", "Source", "Description", "CreatedAt", "RevokedAt"], ct))
        {
            result.Add(ToInfo(row));
        }

        return result;
    }

    /// <summary>Marks the key revoked (the row stays, for the record). False when there is no such key.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableNames.IngestKeys, ct);
        var existing = await table.GetEntityIfExistsAsync(Partition, id, null, ct);
        if (!existing.HasValue || existing.Value is null)
        {
            return false;
        }

        if (existing.Value.GetDateTimeOffset("RevokedAt") is null)
        {
            await table.UpdateEntityAsync(new TableEntity(Partition, id) { ["RevokedAt"] = _time.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, ct);
        }

        return true;
    }

    private static IngestKeyInfo ToInfo(TableEntity row) => new(
        row.RowKey,
        row.GetString("Source") ?? string.Empty,
        row.GetString("Description"),
        row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("RevokedAt"));
}
