using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics.Store;

namespace Vigil.Functions.FunctionApp.MetricsRetention;

/// <summary>Timer: deletes series rows older than the retention (<see cref="SeriesRetention"/>, docs/architecture.md).</summary>
public sealed class MetricsRetentionFunction : TimerFunction
{
    private readonly SeriesRetention _retention;
    private readonly TimeProvider _time;

    public MetricsRetentionFunction(ITimerRunRecorder recorder, SeriesRetention retention, TimeProvider time)
        : base(recorder)
    {
        _retention = retention;
        _time = time;
    }

    public override string Name => "MetricsRetention";

    protected override async Task RunAsync(TimerInfo timer, InvocationResult outputs, CancellationToken cancellationToken) =>
        await _retention.CleanAsync(_time.GetUtcNow(), cancellationToken);
}
