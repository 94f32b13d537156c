using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Samples;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Metrics;

/// <summary>A series the evaluator has just merged new data into.</summary>
public sealed record SeriesUpdate(string Metric, LabelSet Labels, string Fingerprint, MetricKind Kind);

/// <summary>
/// The seam for the rule engine: called by EvaluateMetrics after a message has been merged into the series store
/// (durably), with the series it touched whose write held no data of a later message (of the messages that one paced write
/// committed, the latest reports it: the rules read the stored series, so one evaluation sees the whole write; see
/// <see cref="Store.SeriesMergeCoordinator"/>). <paramref name="outputs"/> is the invocation's result, so an observer may
/// add queue messages to the function's output bindings. Throwing fails the invocation: the message is redelivered and
/// its merge is skipped (idempotent), then the observer runs again.
/// </summary>
public interface ISeriesUpdateObserver
{
    Task OnSeriesUpdatedAsync(IReadOnlyList<SeriesUpdate> updates, InvocationResult outputs, CancellationToken ct);
}

/// <summary>The default observer: nothing to do until the rules area replaces it.</summary>
public sealed class NoSeriesUpdateObserver : ISeriesUpdateObserver
{
    public Task OnSeriesUpdatedAsync(IReadOnlyList<SeriesUpdate> updates, InvocationResult outputs, CancellationToken ct) => Task.CompletedTask;
}
