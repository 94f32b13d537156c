using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Health;

/// <summary>One heartbeat message that went timer -> queue -> function.</summary>
public sealed record PipelineBeat(string BeatId, DateTimeOffset SentAt, DateTimeOffset ReceivedAt, int DeliveryCount)
{
    public TimeSpan RoundTrip => ReceivedAt - SentAt;
}

/// <summary>The body of a <c>system-heartbeat</c> queue message.</summary>
public sealed record PipelineBeatMessage(string BeatId, DateTimeOffset SentAt);

/// <summary>Keeps the latest pipeline beat (a single row: the newest wins).</summary>
public sealed class PipelineHeartbeatStore
{
    private const string Partition = "pipeline";
    private const string Row = "heartbeat";
    private readonly VigilTables _tables;

    public PipelineHeartbeatStore(VigilTables tables) => _tables = tables;

    public async Task RecordAsync(PipelineBeat beat, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.System, cancellationToken);
        var entity = new TableEntity(Partition, Row)
        {
            ["BeatId"] = beat.BeatId,
            ["SentAt"] = beat.SentAt,
            ["ReceivedAt"] = beat.ReceivedAt,
            ["DeliveryCount"] = beat.DeliveryCount,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<PipelineBeat?> GetLatestAsync(CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.System, cancellationToken);
        var response = await table.GetEntityIfExistsAsync(Partition, Row, cancellationToken: cancellationToken);
        if (!response.HasValue || response.Value is not { } entity)
        {
            return null;
        }

        return entity.GetDateTimeOffset("SentAt") is { } sent && entity.GetDateTimeOffset("ReceivedAt") is { } received
            ? new PipelineBeat(entity.GetString("BeatId") ?? string.Empty, sent, received, entity.GetInt32("DeliveryCount") ?? 1)
            : null;
    }
}
