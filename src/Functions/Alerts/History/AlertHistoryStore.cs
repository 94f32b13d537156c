using System.Globalization;
using System.Text.Json;
using Vigil.Domain.Alerts.Events;
using Vigil.Functions.Hosting;
using Azure;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Alerts.History;

/// <summary>A page of history, newest first, and the token of the next page (null: no more).</summary>
public sealed record HistoryPage(IReadOnlyList<AlertEvent> Events, string? Next);

/// <summary>
/// Every alert event, kept for the retention period and read newest first. PartitionKey is the inverted day
/// (99999999 - yyyyMMdd) and RowKey the inverted time plus the event id, so one ascending query reads newest
/// first across days, and appending the same event twice (a retry) is a 409 that is ignored.
/// </summary>
public sealed class AlertHistoryStore
{
    private readonly VigilTables _tables;

    public AlertHistoryStore(VigilTables tables) => _tables = tables;

    public async Task AppendAsync(AlertEvent alertEvent, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.AlertHistory, cancellationToken);
        var entity = new TableEntity(DailyPartitions.For(alertEvent.At), (long.MaxValue - alertEvent.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + alertEvent.EventId)
        {
            ["Rule"] = alertEvent.Rule,
            ["State"] = alertEvent.State,
            ["Event"] = JsonSerializer.Serialize(alertEvent, VigilJson.Options),
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
        catch (TableConflictException)
        {
            // Already recorded (a retried invocation): history keeps one row per event.
        }
    }

    /// <summary>Reads up to <paramref name="pageSize"/> events from <paramref name="continuation"/> (null: the newest).</summary>
    public async Task<HistoryPage> ReadAsync(int pageSize, string? continuation, string? rule, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.AlertHistory, cancellationToken);
        var filter = rule is null ? null : TableFilter.Create($"Rule eq {rule}");
        await foreach (var page in table.QueryAsync(filter, pageSize, ["Event"], cancellationToken).AsPages(continuation, pageSize))
        {
            var events = page.Values
                .Select(e => JsonSerializer.Deserialize<AlertEvent>(e.GetString("Event") ?? "null", VigilJson.Options))
                .OfType<AlertEvent>()
                .ToList();
            var next = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
            if (events.Count > 0 || next is null)
            {
                return new HistoryPage(events, next);
            }

            // A filtered scan may answer an empty page with a continuation: read on rather than hand the caller nothing.
        }

        return new HistoryPage([], null);
    }

    /// <summary>Deletes the days older than <paramref name="keepSince"/>; returns how many rows went.</summary>
    public async Task<int> PruneAsync(DateTimeOffset keepSince, int maxRows, CancellationToken cancellationToken) =>
        await DailyPartitions.PruneAsync(await _tables.GetAsync(TableNames.AlertHistory, cancellationToken), keepSince, maxRows, cancellationToken);
}
