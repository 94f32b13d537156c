using System.Text.Json;
using Azure;
using Vigil.Domain.Alerts.Events;
using Vigil.Domain.Labels;
using Vigil.Functions.Hosting;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Notifications.Routing;

/// <summary>The router's record of one alert: its last notified-state event and the groups it is a member of.</summary>
public sealed record RoutedAlert(
    string Fingerprint,
    string Rule,
    string State,
    IReadOnlyDictionary<string, string> Labels,
    string EventId,
    DateTimeOffset EventAt,
    long Sequence,
    IReadOnlyList<string> Groups,
    AlertEvent? LastEvent,
    ETag ETag)
{
    public bool IsFiring => State == "firing";

    public LabelSet LabelSet => LabelSet.From(Labels);
}

/// <summary>
/// The alerts the router has seen (PartitionKey <c>alert</c>, RowKey fingerprint), written with ETags. Inhibition
/// reads the firing ones; <c>GET /api/alerts</c>'s mute status reads them too.
/// </summary>
public sealed class RoutedAlertStore
{
    private const string Partition = "alert";
    private readonly VigilTables _tables;

    public RoutedAlertStore(VigilTables tables) => _tables = tables;

    public async Task<RoutedAlert?> GetAsync(string fingerprint, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotifyAlerts, cancellationToken);
        var response = await table.GetEntityIfExistsAsync(Partition, fingerprint, null, cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<IReadOnlyList<RoutedAlert>> ListFiringAsync(CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotifyAlerts, cancellationToken);
        var result = new List<RoutedAlert>();
        await foreach (var entity in table.QueryAsync(TableFilter.Create($"PartitionKey eq {Partition} and State eq {"firing"}"), 1000, null, cancellationToken))
        {
            result.Add(FromEntity(entity));
        }

        return result;
    }

    /// <summary>Adds or (if the ETag still matches) replaces the record; throws <see cref="TableConflictException"/> on a race.</summary>
    public async Task SaveAsync(AlertEvent alertEvent, IReadOnlyList<string> groups, ETag etag, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotifyAlerts, cancellationToken);
        var entity = new TableEntity(Partition, alertEvent.Fingerprint)
        {
            ["Rule"] = alertEvent.Rule,
            ["State"] = alertEvent.State,
            ["Labels"] = JsonSerializer.Serialize(alertEvent.Labels, VigilJson.Options),
            ["EventId"] = alertEvent.EventId,
            ["EventAtTicks"] = alertEvent.At.UtcTicks,
            ["Sequence"] = alertEvent.Sequence,
            ["Groups"] = JsonSerializer.Serialize(groups, VigilJson.Options),
            ["UpdatedAtTicks"] = now.UtcTicks,
        };
        ChunkedText.Put(entity, "Event", JsonSerializer.Serialize(alertEvent, VigilJson.Options));
        if (etag == default)
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
        else
        {
            await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>Forgets resolved alerts not updated since <paramref name="before"/>.</summary>
    public async Task<int> PruneResolvedAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotifyAlerts, cancellationToken);
        var deleted = 0;
        await foreach (var entity in table.QueryAsync(TableFilter.Create($"PartitionKey eq {Partition} and State eq {"resolved"} and UpdatedAtTicks lt {before.UtcTicks}"), 1000, null, cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
                deleted++;
            }
            catch (TableConflictException)
            {
                // Updated meanwhile: kept.
            }
        }

        return deleted;
    }

    private static RoutedAlert FromEntity(TableEntity entity) => new(
        entity.RowKey,
        entity.GetString("Rule") ?? string.Empty,
        entity.GetString("State") ?? "resolved",
        JsonSerializer.Deserialize<Dictionary<string, string>>(entity.GetString("Labels") ?? "{}", VigilJson.Options) ?? [],
        entity.GetString("EventId") ?? string.Empty,
        new DateTimeOffset(entity.GetInt64("EventAtTicks") ?? 0, TimeSpan.Zero),
        entity.GetInt64("Sequence") ?? 0,
        JsonSerializer.Deserialize<List<string>>(entity.GetString("Groups") ?? "[]", VigilJson.Options) ?? [],
        ChunkedText.Get(entity, "Event") is { } json ? JsonSerializer.Deserialize<AlertEvent>(json, VigilJson.Options) : null,
        entity.ETag);
}
