using System.Diagnostics;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Results;
using Vigil.Domain.Probes.Scheduling;
using Vigil.Domain.Probes.Status;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Conditions;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Evaluation;
using Vigil.Functions.Hosting;
using Vigil.Functions.Probes.Execution;
using Vigil.Functions.Probes.Recording;
using Vigil.Functions.Probes.Status;

namespace Vigil.Functions.Probes;

/// <summary>What one RunProbes tick did.</summary>
public sealed record ProbeCycleReport(int Configured, int Ran, IReadOnlyList<string> ProbeChanges, IReadOnlyList<string> HeartbeatChanges, TimeSpan Elapsed);

/// <summary>
/// One RunProbes tick: pick the due probes (<see cref="ProbeSchedule"/>), run them (<see cref="ProbeRunner"/>),
/// record the results (<see cref="ProbeRecorder"/>), send their metrics (<see cref="ProbeSamples"/>) to the
/// <c>metrics</c> queue, look at the heartbeats' deadlines and
/// the components of Vigil's own health, forget removed probes and heartbeats, and evaluate at once the status
/// rules of every probe or heartbeat whose status changed (alert events go to the invocation's output).
/// </summary>
public sealed partial class ProbeCycle
{
    /// <summary>The RunProbes output binding to the <c>metrics</c> queue (function.json <c>metricsOut</c>).</summary>
    public const string MetricsOutput = "metricsOut";

    private readonly ConfigProvider _config;
    private readonly ProbeStatusStore _store;
    private readonly ProbeRunner _runner;
    private readonly ProbeRecorder _recorder;
    private readonly HeartbeatRecorder _heartbeats;
    private readonly ComponentObserver _components;
    private readonly AlertEvaluator _evaluator;
    private readonly ProbeTiming _timing;
    private readonly TimeProvider _time;
    private readonly ILogger<ProbeCycle> _logger;

    public ProbeCycle(
        ConfigProvider config,
        ProbeStatusStore store,
        ProbeRunner runner,
        ProbeRecorder recorder,
        HeartbeatRecorder heartbeats,
        ComponentObserver components,
        AlertEvaluator evaluator,
        ProbeTiming timing,
        TimeProvider time,
        ILogger<ProbeCycle> logger)
    {
        _config = config;
        _store = store;
        _runner = runner;
        _recorder = recorder;
        _heartbeats = heartbeats;
        _components = components;
        _evaluator = evaluator;
        _timing = timing;
        _time = time;
        _logger = logger;
    }

    public async Task<ProbeCycleReport> RunAsync(InvocationResult outputs, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow();
        var active = await _config.GetAsync(cancellationToken);
        var config = active.Config;
        var components = ObserveComponentsAsync(now, cancellationToken);

        var stored = await _store.ListProbesAsync(cancellationToken);
        var due = config.Probes
            .Where(p => ProbeSchedule.IsDue(p.Name, p.Every, stored.TryGetValue(p.Name, out var row) ? row.State.LastScheduledAt : null, now, _timing.Tick))
            .ToList();
        var runStarted = Stopwatch.GetTimestamp();
        var prepareTime = Stopwatch.GetElapsedTime(started);
        var results = await _runner.RunAsync(due, cancellationToken);
        var runTime = Stopwatch.GetElapsedTime(runStarted);
        var ran = due.Select((probe, i) => (probe, result: results[i])).Where(r => r.result is not null).ToList();
        var steps = await _recorder.RecordAsync([.. ran.Select(r => r.probe)], [.. ran.Select(r => r.result!)], stored, now, cancellationToken);
        var recordTime = Stopwatch.GetElapsedTime(runStarted) - runTime;
        var metricsStarted = Stopwatch.GetTimestamp();
        foreach (var message in ProbeSamples.ToMessages(ran.SelectMany(r => ProbeSamples.Of(r.probe, r.result!)), "probes-" + Guid.NewGuid().ToString("N")))
        {
            outputs.AddMessage(MetricsOutput, message);
        }

        var metricsTime = Stopwatch.GetElapsedTime(metricsStarted);
        var finishStarted = Stopwatch.GetTimestamp();

        var heartbeatChanges = await _heartbeats.ObserveAsync(config.Heartbeats, now, cancellationToken);
        await components;
        if (active.Version > 0)
        {
            await ForgetRemovedAsync(config.Probes, config.Heartbeats, stored, cancellationToken);
        }

        var probeChanges = new List<string>();
        foreach (var (name, step) in steps.Where(s => s.Value.Changed).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            probeChanges.Add(name);
            LogChange(_logger, name, step.Previous, step.State.Status, step.State.LastResult?.Error);
        }

        var rules = StatusRulesFor(config.Rules, probeChanges, heartbeatChanges);
        if (rules.Count > 0)
        {
            await _evaluator.EvaluateAsync(rules, _time.GetUtcNow(), outputs, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var finishTime = Stopwatch.GetElapsedTime(finishStarted);
        LogTick(_logger, ran.Count, config.Probes.Count, probeChanges.Count, heartbeatChanges.Count, Math.Round(elapsed.TotalMilliseconds), Math.Round(prepareTime.TotalMilliseconds), Math.Round(runTime.TotalMilliseconds), Math.Round(recordTime.TotalMilliseconds), Math.Round(metricsTime.TotalMilliseconds), Math.Round(finishTime.TotalMilliseconds));
        return new ProbeCycleReport(config.Probes.Count, ran.Count, probeChanges, heartbeatChanges, elapsed);
    }

    /// <summary>Notes since when Vigil's own components have their status; a failure here never costs the probes' results.</summary>
    private async Task ObserveComponentsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await _components.ObserveAsync(now, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or TimeoutException or IOException)
        {
            LogComponentsFailed(_logger, ex.GetType().Name);
        }
    }

    /// <summary>The status rules following any of the given probes or heartbeats.</summary>
    public static List<AlertRule> StatusRulesFor(IEnumerable<AlertRule> rules, IReadOnlyCollection<string> probes, IReadOnlyCollection<string> heartbeats) =>
        [.. rules.Where(r => r.Condition is StatusCondition c
            && ((c.Target == ComponentKind.Probe && probes.Contains(c.Name, StringComparer.Ordinal))
                || (c.Target == ComponentKind.Heartbeat && heartbeats.Contains(c.Name, StringComparer.Ordinal))))];

    private async Task ForgetRemovedAsync(
        IReadOnlyList<ProbeDefinition> probes, IReadOnlyList<HeartbeatDefinition> heartbeats, IReadOnlyDictionary<string, Stored<ProbeState>> stored, CancellationToken cancellationToken)
    {
        var probeNames = probes.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var removedProbes = stored.Values.Where(r => !probeNames.Contains(r.Name)).ToList();
        if (removedProbes.Count > 0)
        {
            await _store.DeleteAsync(ProbeStatusStore.ProbePartition, removedProbes, cancellationToken);
        }

        var heartbeatNames = heartbeats.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        var removedHeartbeats = (await _store.ListHeartbeatsAsync(cancellationToken)).Values.Where(r => !heartbeatNames.Contains(r.Name)).ToList();
        if (removedHeartbeats.Count > 0)
        {
            await _store.DeleteAsync(ProbeStatusStore.HeartbeatPartition, removedHeartbeats, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Component statuses not recorded this tick ({Error})")]
    private static partial void LogComponentsFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Probe {Probe}: {Previous} -> {Status} ({Reason})")]
    private static partial void LogChange(ILogger logger, string probe, Domain.Health.HealthStatus previous, Domain.Health.HealthStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ran {Ran} of {Configured} probes: {ProbeChanges} probe and {HeartbeatChanges} heartbeat status changes in {ElapsedMs} ms (reading configuration and state {PrepareMs} ms, runs {RunMs} ms, recording {RecordMs} ms, metrics {MetricsMs} ms, heartbeats, components and status rules {FinishMs} ms)")]
    private static partial void LogTick(ILogger logger, int ran, int configured, int probeChanges, int heartbeatChanges, double elapsedMs, double prepareMs, double runMs, double recordMs, double metricsMs, double finishMs);
}
