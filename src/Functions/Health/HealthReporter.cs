using System.Diagnostics;
using Vigil.Domain.Health;
using Vigil.Functions.Messaging;

namespace Vigil.Functions.Health;

/// <summary>The app's own health, as /api/health reports it.</summary>
public sealed record HealthReport(HealthStatus Status, DateTimeOffset CheckedAt, IReadOnlyDictionary<string, ComponentHealth> Components);

/// <summary>One component: its status, a sentence for people, and the figures behind it.</summary>
public sealed record ComponentHealth(HealthStatus Status, string Detail, object? Data = null);

/// <summary>
/// Checks storage (reachable, latency), timers (each ran when due), the queue pipeline (the system heartbeat's
/// round trip is recent) and queues (depths, dead letters). Thresholds are documented in docs/operations.md.
/// </summary>
public sealed class HealthReporter
{
    /// <summary>A timer that missed its next run by this much is overdue.</summary>
    public static readonly TimeSpan TimerGrace = TimeSpan.FromMinutes(2);

    /// <summary>Without a recorded next run, a timer idle this long is overdue.</summary>
    public static readonly TimeSpan TimerIdleLimit = TimeSpan.FromMinutes(10);

    /// <summary>A pipeline heartbeat older than this means the timer -> queue -> function path is stuck.</summary>
    public static readonly TimeSpan PipelineStaleAfter = TimeSpan.FromMinutes(5);

    /// <summary>More messages waiting than this means the consumers are not keeping up.</summary>
    public const long BacklogLimit = 10_000;

    private readonly PipelineHeartbeatStore _pipeline;
    private readonly TimerRunLog _timers;
    private readonly IQueueStatistics _queues;
    private readonly TimeProvider _time;

    public HealthReporter(PipelineHeartbeatStore pipeline, TimerRunLog timers, IQueueStatistics queues, TimeProvider time)
    {
        _pipeline = pipeline;
        _timers = timers;
        _queues = queues;
        _time = time;
    }

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var components = new Dictionary<string, ComponentHealth>(StringComparer.Ordinal);

        var queuesTask = CheckQueuesAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        PipelineBeat? beat;
        try
        {
            beat = await _pipeline.GetLatestAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or TimeoutException or IOException)
        {
            components["storage"] = new ComponentHealth(HealthStatus.Unhealthy, $"Table storage is not reachable: {Describe(ex)}");
            components["timers"] = new ComponentHealth(HealthStatus.Unknown, "Not checked: storage is not reachable.");
            components["pipeline"] = new ComponentHealth(HealthStatus.Unknown, "Not checked: storage is not reachable.");
            components["queues"] = await queuesTask;
            return Report(now, components);
        }

        var latency = Stopwatch.GetElapsedTime(started);
        components["storage"] = new ComponentHealth(HealthStatus.Healthy, "Table storage answers.", new { latencyMs = Math.Round(latency.TotalMilliseconds, 1) });
        components["pipeline"] = CheckPipeline(beat, now);
        components["timers"] = CheckTimers(await _timers.ListAsync(cancellationToken), now);
        components["queues"] = await queuesTask;
        return Report(now, components);
    }

    public static ComponentHealth CheckPipeline(PipelineBeat? beat, DateTimeOffset now)
    {
        if (beat is null)
        {
            return new ComponentHealth(HealthStatus.Unknown, "No system heartbeat has made the queue round trip yet.");
        }

        var age = now - beat.ReceivedAt;
        var data = new { lastBeatAt = beat.ReceivedAt, ageSeconds = Math.Round(age.TotalSeconds, 1), roundTripMs = Math.Round(beat.RoundTrip.TotalMilliseconds, 1), beat.DeliveryCount };
        return age > PipelineStaleAfter
            ? new ComponentHealth(HealthStatus.Degraded, $"The last system heartbeat arrived {age.TotalMinutes:F0} min ago: timers or queues are stuck.", data)
            : new ComponentHealth(HealthStatus.Healthy, "System heartbeats make the timer -> queue -> function round trip.", data);
    }

    public static ComponentHealth CheckTimers(IReadOnlyList<TimerRun> runs, DateTimeOffset now)
    {
        if (runs.Count == 0)
        {
            return new ComponentHealth(HealthStatus.Unknown, "No timer run recorded yet.");
        }

        var timers = runs.Select(run =>
        {
            var overdue = run.NextRun is { } next ? now > next + TimerGrace : now - run.LastRun > TimerIdleLimit;
            return new { name = run.Timer, lastRun = run.LastRun, nextRun = run.NextRun, ageSeconds = Math.Round((now - run.LastRun).TotalSeconds, 1), overdue };
        }).OrderBy(t => t.name, StringComparer.Ordinal).ToList();
        var late = timers.Where(t => t.overdue).Select(t => t.name).ToList();
        return late.Count > 0
            ? new ComponentHealth(HealthStatus.Degraded, $"Overdue: {string.Join(", ", late)}.", timers)
            : new ComponentHealth(HealthStatus.Healthy, "Every timer ran when due.", timers);
    }

    private async Task<ComponentHealth> CheckQueuesAsync(CancellationToken cancellationToken)
    {
        var depths = new List<QueueDepth>();
        try
        {
            foreach (var queue in QueueNames.All)
            {
                if (await _queues.GetAsync(queue, cancellationToken) is { } depth)
                {
                    depths.Add(depth);
                }
            }
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or TimeoutException or IOException)
        {
            return new ComponentHealth(HealthStatus.Unknown, $"Queue depths could not be read: {Describe(ex)}");
        }

        return QueuesHealth(depths);
    }

    public static ComponentHealth QueuesHealth(IReadOnlyList<QueueDepth> depths)
    {
        if (depths.Count == 0)
        {
            return new ComponentHealth(HealthStatus.Unknown, "Queue depths are not available for this Service Bus connection.");
        }

        var data = depths.Select(d => new { name = d.Queue, active = d.Active, deadLetter = d.DeadLetter }).ToList();
        var deadLettered = depths.Where(d => d.DeadLetter > 0).Select(d => $"{d.Queue} ({d.DeadLetter})").ToList();
        var backlog = depths.Where(d => d.Active > BacklogLimit).Select(d => $"{d.Queue} ({d.Active})").ToList();
        if (deadLettered.Count == 0 && backlog.Count == 0)
        {
            return new ComponentHealth(HealthStatus.Healthy, "No backlog and no dead letters.", data);
        }

        var parts = new List<string>();
        if (deadLettered.Count > 0)
        {
            parts.Add($"dead letters in {string.Join(", ", deadLettered)}");
        }

        if (backlog.Count > 0)
        {
            parts.Add($"backlog over {BacklogLimit} in {string.Join(", ", backlog)}");
        }

        return new ComponentHealth(HealthStatus.Degraded, string.Join("; ", parts) + ".", data);
    }

    private static HealthReport Report(DateTimeOffset now, Dictionary<string, ComponentHealth> components) =>
        new(HealthStatusRules.Overall(components.Values.Select(c => c.Status)), now, components);

    private static string Describe(Exception ex) => ex switch
    {
        Azure.RequestFailedException rfe when rfe.Status != 0 => $"HTTP {rfe.Status} {rfe.ErrorCode}".TrimEnd(),
        _ => ex.GetType().Name,
    };
}
