using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Evaluation;
using Vigil.Functions.Alerts.History;
using Vigil.Functions.Configuration;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.AlertSweep;

/// <summary>
/// Timer (every 15 s by default): evaluates every rule, for the transitions time drives without new data
/// (pending periods ending, absence, keepFiringFor expiry, flapping settling, status changes); resolves the
/// alerts of removed rules; forgets long-settled instances and prunes old history.
/// </summary>
public sealed class AlertSweepFunction : TimerFunction
{
    private const int MaxHistoryRowsPrunedPerRun = 500;

    private readonly ConfigProvider _config;
    private readonly AlertEvaluator _evaluator;
    private readonly AlertHistoryStore _history;
    private readonly TimeProvider _time;
    private readonly TimeSpan _historyRetention;
    private readonly TimeSpan _resolvedRetention;

    public AlertSweepFunction(ITimerRunRecorder recorder, ConfigProvider config, AlertEvaluator evaluator, AlertHistoryStore history, TimeProvider time, SettingsReader settings)
        : base(recorder)
    {
        _config = config;
        _evaluator = evaluator;
        _history = history;
        _time = time;
        _historyRetention = settings.GetDuration(AppSettings.AlertHistoryRetention);
        _resolvedRetention = settings.GetDuration(AppSettings.ResolvedAlertRetention);
    }

    public override string Name => "AlertSweep";

    protected override async Task RunAsync(TimerInfo timer, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var active = await _config.GetAsync(cancellationToken);
        await _evaluator.ResendAsync(now, outputs, cancellationToken);
        await _evaluator.EvaluateAsync(active.Config.Rules, now, outputs, cancellationToken);
        if (active.Version > 0)
        {
            // Only once a configuration was applied: before that, "no rules" means "not configured yet".
            await _evaluator.RetireRemovedAsync(active.Config.RulesByName.Keys.ToHashSet(StringComparer.Ordinal), now, outputs, cancellationToken);
        }

        await _evaluator.ForgetSettledAsync(now - _resolvedRetention, cancellationToken);
        await _history.PruneAsync(now - _historyRetention, MaxHistoryRowsPrunedPerRun, cancellationToken);
    }
}
