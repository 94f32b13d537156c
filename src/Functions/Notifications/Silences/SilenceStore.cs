using System.Text.Json;
using Azure;
using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Silences;
using Vigil.Functions.Hosting;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Notifications.Silences;

/// <summary>
/// Silences in Table Storage (PartitionKey <c>silence</c>, RowKey id). Reads go through a short per-process cache
/// (<see cref="CacheFor"/>) that a write on the same instance refreshes at once; expired silences are kept for the
/// retention period so they can still be read, then pruned by the sweep.
/// </summary>
public sealed class SilenceStore : IDisposable
{
    /// <summary>How long an instance reuses the silences it read (another instance's change is seen within this).</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private const string Partition = "silence";
    private readonly VigilTables _tables;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlyList<Silence> _cached = [];
    private DateTimeOffset _cachedAt = DateTimeOffset.MinValue;

    public SilenceStore(VigilTables tables, TimeProvider time)
    {
        _tables = tables;
        _time = time;
    }

    /// <summary>Every stored silence (pending, active and recently expired).</summary>
    public async Task<IReadOnlyList<Silence>> ListAsync(CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow() - _cachedAt < CacheFor)
        {
            return _cached;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_time.GetUtcNow() - _cachedAt < CacheFor)
            {
                return _cached;
            }

            var table = await _tables.GetAsync(TableNames.Silences, cancellationToken);
            var result = new List<Silence>();
            await foreach (var entity in table.QueryAsync(TableFilter.Create($"PartitionKey eq {Partition}"), 1000, null, cancellationToken))
            {
                if (FromEntity(entity) is { } silence)
                {
                    result.Add(silence);
                }
            }

            _cached = result;
            _cachedAt = _time.GetUtcNow();
            return result;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public async Task<Silence?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Silences, cancellationToken);
        var response = await table.GetEntityIfExistsAsync(Partition, id, null, cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task SaveAsync(Silence silence, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Silences, cancellationToken);
        var entity = new TableEntity(Partition, silence.Id)
        {
            ["Matchers"] = JsonSerializer.Serialize(silence.Matchers.Select(m => m.ToString()), VigilJson.Options),
            ["StartsAtTicks"] = silence.StartsAt.UtcTicks,
            ["EndsAtTicks"] = silence.EndsAt.UtcTicks,
            ["CreatedBy"] = silence.CreatedBy,
            ["Comment"] = silence.Comment,
            ["UpdatedAtTicks"] = silence.UpdatedAt.UtcTicks,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        _cachedAt = DateTimeOffset.MinValue;
    }

    public async Task<int> PruneAsync(DateTimeOffset expiredBefore, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Silences, cancellationToken);
        var deleted = 0;
        await foreach (var entity in table.QueryAsync(TableFilter.Create($"PartitionKey eq {Partition} and EndsAtTicks lt {expiredBefore.UtcTicks}"), 1000, ["PartitionKey", "RowKey"], cancellationToken))
        {
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);
            deleted++;
        }

        if (deleted > 0)
        {
            _cachedAt = DateTimeOffset.MinValue;
        }

        return deleted;
    }

    public void Dispose() => _refresh.Dispose();

    private static Silence? FromEntity(TableEntity entity)
    {
        try
        {
            var matchers = (JsonSerializer.Deserialize<List<string>>(entity.GetString("Matchers") ?? "[]", VigilJson.Options) ?? []).Select(LabelMatcher.Parse).ToList();
            return new Silence(
                entity.RowKey,
                matchers,
                new DateTimeOffset(entity.GetInt64("StartsAtTicks") ?? 0, TimeSpan.Zero),
                new DateTimeOffset(entity.GetInt64("EndsAtTicks") ?? 0, TimeSpan.Zero),
                entity.GetString("CreatedBy") ?? string.Empty,
                entity.GetString("Comment") ?? string.Empty,
                new DateTimeOffset(entity.GetInt64("UpdatedAtTicks") ?? 0, TimeSpan.Zero));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
