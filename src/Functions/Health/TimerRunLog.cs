using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Health;

/// <summary>The last run of each timer function, so /api/health can tell a timer that stopped firing.</summary>
public sealed record TimerRun(string Timer, DateTimeOffset LastRun, DateTimeOffset? NextRun);

public sealed class TimerRunLog
{
    private const string Partition = "timer";
    private readonly VigilTables _tables;

    public TimerRunLog(VigilTables tables) => _tables = tables;

    public async Task RecordAsync(TimerRun run, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.System, cancellationToken);
        var entity = new TableEntity(Partition, run.Timer)
        {
            ["LastRun"] = run.LastRun,
        };
        if (run.NextRun is { } next)
        {
            entity["NextRun"] = next;
        }

        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<TimerRun>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.System, cancellationToken);
        var runs = new List<TimerRun>();
        await foreach (var entity in table.QueryAsync(TableFilter.Create($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            if (entity.GetDateTimeOffset("LastRun") is { } last)
            {
                runs.Add(new TimerRun(entity.RowKey, last, entity.GetDateTimeOffset("NextRun")));
            }
        }

        return runs;
    }
}

/// <summary>Records timer runs in the run log, with the next run the host scheduled.</summary>
public sealed class TimerRunRecorder : Hosting.ITimerRunRecorder
{
    private readonly TimerRunLog _log;
    private readonly TimeProvider _time;

    public TimerRunRecorder(TimerRunLog log, TimeProvider time)
    {
        _log = log;
        _time = time;
    }

    public Task RecordAsync(string timerName, Hosting.TimerInfo timer, CancellationToken cancellationToken) =>
        _log.RecordAsync(new TimerRun(timerName, _time.GetUtcNow(), timer.Next), cancellationToken);
}
