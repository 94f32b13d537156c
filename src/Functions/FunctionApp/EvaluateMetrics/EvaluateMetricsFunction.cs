using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Messages;
using Vigil.Domain.Metrics.Samples;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics;
using Vigil.Functions.Metrics.Store;

namespace Vigil.Functions.FunctionApp.EvaluateMetrics;

/// <summary>
/// Queue trigger on <c>metrics</c>: merges the message's bucket aggregates into the series store (idempotent by message
/// id), then tells the <see cref="ISeriesUpdateObserver"/> (the rule engine) which series changed. A message that is not
/// a metrics message fails the invocation (retried, then dead-lettered for a person to read).
/// </summary>
public sealed class EvaluateMetricsFunction : ServiceBusFunction
{
    private readonly SeriesMergeCoordinator _merger;
    private readonly ISeriesUpdateObserver _observer;

    public EvaluateMetricsFunction(SeriesMergeCoordinator merger, ISeriesUpdateObserver observer)
    {
        _merger = merger;
        _observer = observer;
    }

    public override string Name => "EvaluateMetrics";

    protected override async Task HandleAsync(ServiceBusMessage message, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var body = message.Deserialize<MetricsMessage>(VigilJson.Options);
        var contributions = Read(body);
        var evaluate = await _merger.MergeAsync(contributions, cancellationToken);
        var updates = evaluate.Select(c => new SeriesUpdate(c.Metric, c.Labels, c.Fingerprint, c.Kind)).ToList();
        await _observer.OnSeriesUpdatedAsync(updates, outputs, cancellationToken);
    }

    /// <summary>Validates and decodes a message; <see cref="InvocationFormatException"/> names what is wrong.</summary>
    public static IReadOnlyList<SeriesContribution> Read(MetricsMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.Id))
        {
            throw new InvocationFormatException("a metrics message needs an id");
        }

        if (message.Version != MetricsMessage.CurrentVersion)
        {
            throw new InvocationFormatException($"metrics message version {message.Version} is not supported (this handler reads {MetricsMessage.CurrentVersion})");
        }

        var result = new List<SeriesContribution>(message.Series?.Count ?? 0);
        for (var i = 0; i < (message.Series?.Count ?? 0); i++)
        {
            var series = message.Series![i];
            if (!LabelNames.IsValidMetricName(series.Metric) || series.Labels is null || !MetricKinds.TryParse(series.Kind, out var kind))
            {
                throw new InvocationFormatException($"series[{i}] of message {message.Id} has no valid metric, labels or kind");
            }

            LabelSet labels;
            try
            {
                labels = LabelSet.From(series.Labels);
            }
            catch (ArgumentException ex)
            {
                throw new InvocationFormatException($"series[{i}] of message {message.Id}: {ex.Message}", ex);
            }

            var fingerprint = SeriesKey.Fingerprint(series.Metric, labels);
            if (fingerprint != series.Fingerprint)
            {
                throw new InvocationFormatException($"series[{i}] of message {message.Id}: the fingerprint {series.Fingerprint} does not match its labels ({fingerprint})");
            }

            try
            {
                result.Add(new SeriesContribution(message.Id, series.Metric, labels, kind, fingerprint, series.DecodeBuckets()));
            }
            catch (FormatException ex)
            {
                throw new InvocationFormatException($"series[{i}] of message {message.Id}: the buckets are not a valid encoding ({ex.Message})", ex);
            }
        }

        return result;
    }
}
