using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics;

namespace Vigil.Functions.Alerts.Evaluation;

/// <summary>
/// Evaluates, right after the metrics evaluator merged new data, only the rules that read an updated metric
/// (detection latency: no wait for the sweep). Events go to the metrics evaluator's <c>alertEvents</c> output. A
/// redelivered metrics message re-evaluates on the state the first delivery stored, so it emits no duplicate.
/// </summary>
public sealed class AlertsSeriesObserver : ISeriesUpdateObserver
{
    private readonly ConfigProvider _config;
    private readonly AlertEvaluator _evaluator;
    private readonly TimeProvider _time;

    public AlertsSeriesObserver(ConfigProvider config, AlertEvaluator evaluator, TimeProvider time)
    {
        _config = config;
        _evaluator = evaluator;
        _time = time;
    }

    public async Task OnSeriesUpdatedAsync(IReadOnlyList<SeriesUpdate> updates, InvocationResult outputs, CancellationToken ct)
    {
        if (updates.Count == 0)
        {
            return;
        }

        var active = await _config.GetAsync(ct);
        var metrics = updates.Select(u => u.Metric).ToHashSet(StringComparer.Ordinal);
        var rules = active.Config.Rules.Where(r => r.Condition.Metrics.Any(metrics.Contains)).ToList();
        await _evaluator.EvaluateAsync(rules, _time.GetUtcNow(), outputs, ct);
    }
}
