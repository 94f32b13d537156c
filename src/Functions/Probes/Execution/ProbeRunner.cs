using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Results;
using Vigil.Domain.Time;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Probes.Execution;

/// <summary>
/// Runs probes concurrently (at most <see cref="AppSettings.ProbeConcurrency"/> at once), each under its own
/// timeout. Every probe that starts yields a result: a timeout or an unexpected error is a failed run with the
/// reason, never an exception that would lose the other probes' results. Probes are started for at most
/// <see cref="StartBudget"/>; the rest get no result (they stay due and run next tick), so a tick full of probes
/// that time out (at most 1 minute each) still ends well within the host's 5-minute function timeout. Only the
/// caller's cancellation stops the batch.
/// </summary>
public sealed partial class ProbeRunner
{
    private readonly Dictionary<string, IProbeExecutor> _executors;
    private readonly TimeProvider _time;
    private readonly SettingsReader _settings;
    private readonly ILogger<ProbeRunner> _logger;
    private readonly int _concurrency;
    private readonly bool _privateDenied;

    public ProbeRunner(IEnumerable<IProbeExecutor> executors, TimeProvider time, SettingsReader settings, ILogger<ProbeRunner> logger)
    {
        _executors = executors.ToDictionary(e => e.Kind, StringComparer.Ordinal);
        _time = time;
        _settings = settings;
        _logger = logger;
        _concurrency = settings.GetInt32(AppSettings.ProbeConcurrency);
        if (_concurrency < 1)
        {
            throw new InvalidOperationException($"App setting {AppSettings.ProbeConcurrency.Name} is {_concurrency}; it must be at least 1.");
        }

        _privateDenied = (settings.Get(AppSettings.ProbePrivateTargets) ?? "allow").Trim().ToLowerInvariant() switch
        {
            "allow" => false,
            "deny" => true,
            var other => throw new InvalidOperationException($"App setting {AppSettings.ProbePrivateTargets.Name} is '{other}'; use allow or deny."),
        };
    }

    /// <summary>How long a tick keeps starting probes.</summary>
    public static readonly TimeSpan StartBudget = TimeSpan.FromMinutes(2);

    /// <summary>Runs the probes; results in the same order, null for a probe not started within <see cref="StartBudget"/>.</summary>
    public async Task<ProbeResult?[]> RunAsync(IReadOnlyList<ProbeDefinition> probes, CancellationToken cancellationToken)
    {
        var results = new ProbeResult?[probes.Count];
        var started = _time.GetTimestamp();
        var postponed = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, probes.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                if (_time.GetElapsedTime(started) > StartBudget)
                {
                    Interlocked.Increment(ref postponed);
                    return;
                }

                results[index] = await RunOneAsync(probes[index], token);
            });
        if (postponed > 0)
        {
            LogPostponed(_logger, postponed, probes.Count, _concurrency);
        }

        return results;
    }

    public async Task<ProbeResult> RunOneAsync(ProbeDefinition probe, CancellationToken cancellationToken)
    {
        var run = new ProbeRun(probe, probe.Policy(_privateDenied), _time, _settings.Get);
        if (!_executors.TryGetValue(probe.Kind, out var executor))
        {
            return run.Failed($"no executor for {probe.Kind} probes");
        }

        using var timeout = new CancellationTokenSource(probe.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await executor.RunAsync(run, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return run.Failed($"timed out after {DurationText.Format(probe.Timeout)}");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            LogUnexpected(_logger, probe.Name, ex.GetType().Name, ex);
            return run.Failed($"unexpected error ({ex.GetType().Name})");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Postponed} of {Probes} probes not started within the tick's 2-minute budget; they run next tick (raise VIGIL_PROBE_CONCURRENCY from {Concurrency} or lower timeouts)")]
    private static partial void LogPostponed(ILogger logger, int postponed, int probes, int concurrency);

    [LoggerMessage(Level = LogLevel.Error, Message = "Probe {Probe} failed unexpectedly ({Error})")]
    private static partial void LogUnexpected(ILogger logger, string probe, string error, Exception exception);
}
