using System.Globalization;
using System.Text.Json;
using Azure;
using Vigil.Functions.Hosting;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Notifications.Delivery;

/// <summary>One alert of an attempt, as listed by GET /api/notifications.</summary>
public sealed record AttemptAlert(string Fingerprint, string Rule, string Status, string? Severity);

/// <summary>One delivery attempt (or a final verdict such as deadLettered or unknown).</summary>
public sealed record DeliveryAttempt
{
    public required string NotificationId { get; init; }

    public required string Receiver { get; init; }

    public required string Channel { get; init; }

    public required int Attempt { get; init; }

    /// <summary>The classification: delivered, rateLimited, serverError, networkError, timeout, clientError, misconfigured, unknown, deadLettered.</summary>
    public required string Result { get; init; }

    public int? RemoteStatus { get; init; }

    /// <summary>Vigil's own description (never a response body or an exception message: they can echo secrets).</summary>
    public string? Detail { get; init; }

    public required DateTimeOffset At { get; init; }

    public double? DurationMs { get; init; }

    public string? Kind { get; init; }

    public required IReadOnlyList<AttemptAlert> Alerts { get; init; }
}

public sealed record AttemptPage(IReadOnlyList<DeliveryAttempt> Attempts, string? Next);

/// <summary>
/// Every attempt, newest first: PartitionKey inverted day, RowKey inverted time + notification id + attempt, so one
/// ascending query pages newest first; filters on receiver, result and notification id.
/// </summary>
public sealed class AttemptLog
{
    private readonly VigilTables _tables;

    public AttemptLog(VigilTables tables) => _tables = tables;

    public async Task AddAsync(DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotificationAttempts, cancellationToken);
        var rowKey = (long.MaxValue - attempt.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + attempt.NotificationId + "-" + attempt.Attempt.ToString(CultureInfo.InvariantCulture) + "-" + attempt.Result;
        var entity = new TableEntity(DailyPartitions.For(attempt.At), rowKey)
        {
            ["NotificationId"] = attempt.NotificationId,
            ["Receiver"] = attempt.Receiver,
            ["Result"] = attempt.Result,
            ["Attempt"] = JsonSerializer.Serialize(attempt, VigilJson.Options),
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
        catch (TableConflictException)
        {
            // The same attempt recorded twice (a retried invocation): one row.
        }
    }

    public async Task<AttemptPage> ReadAsync(int pageSize, string? continuation, string? receiver, string? result, string? notificationId, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotificationAttempts, cancellationToken);
        var conditions = new List<string>();
        if (receiver is not null)
        {
            conditions.Add(TableFilter.Create($"Receiver eq {receiver}"));
        }

        if (result is not null)
        {
            conditions.Add(TableFilter.Create($"Result eq {result}"));
        }

        if (notificationId is not null)
        {
            conditions.Add(TableFilter.Create($"NotificationId eq {notificationId}"));
        }

        var filter = conditions.Count == 0 ? null : string.Join(" and ", conditions);
        await foreach (var page in table.QueryAsync(filter, pageSize, ["Attempt"], cancellationToken).AsPages(continuation, pageSize))
        {
            var attempts = page.Values
                .Select(e => JsonSerializer.Deserialize<DeliveryAttempt>(e.GetString("Attempt") ?? "null", VigilJson.Options))
                .OfType<DeliveryAttempt>()
                .ToList();
            return new AttemptPage(attempts, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }

        return new AttemptPage([], null);
    }

    public async Task<int> PruneAsync(DateTimeOffset keepSince, int maxRows, CancellationToken cancellationToken) =>
        await DailyPartitions.PruneAsync(await _tables.GetAsync(TableNames.NotificationAttempts, cancellationToken), keepSince, maxRows, cancellationToken);
}
