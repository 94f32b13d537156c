using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Functions.FunctionApp.EvaluateMetrics;
using Vigil.Functions.FunctionApp.IngestKeys;
using Vigil.Functions.FunctionApp.IngestMetrics;
using Vigil.Functions.FunctionApp.ListSeries;
using Vigil.Functions.FunctionApp.MetricsRetention;
using Vigil.Functions.Metrics.Ingest;
using Vigil.Functions.Metrics.Keys;
using Vigil.Functions.Metrics.Store;

namespace Vigil.Functions.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The metrics pipeline: ingest (keys, parsing, compaction), the series store, its query API and retention.</summary>
    public static IServiceCollection AddMetricsArea(this IServiceCollection services)
    {
        services.AddSingleton(IngestLimits.Default);
        services.AddSingleton<IngestKeyStore>();
        services.AddSingleton<IngestKeyAuthenticator>();
        services.AddSingleton(sp => new MetricsIngestor(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MetricsIngestor>>(), sp.GetRequiredService<IngestLimits>()));
        services.AddSingleton<SeriesStoreStatistics>();
        services.AddSingleton<SeriesStore>();
        services.AddSingleton<SeriesMergeCoordinator>(sp => new SeriesMergeCoordinator(sp.GetRequiredService<SeriesStore>(), sp.GetRequiredService<Configuration.SettingsReader>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SeriesQueryService>();
        services.AddSingleton<ISeriesQuery>(sp => sp.GetRequiredService<SeriesQueryService>());
        services.AddSingleton<SeriesRetention>();
        services.TryAddSingleton<ISeriesUpdateObserver, NoSeriesUpdateObserver>();
        services.AddFunction<IngestMetricsFunction>();
        services.AddFunction<EvaluateMetricsFunction>();
        services.AddFunction<IngestKeysFunction>();
        services.AddFunction<ListSeriesFunction>();
        services.AddFunction<MetricsRetentionFunction>();
        return services;
    }
}
