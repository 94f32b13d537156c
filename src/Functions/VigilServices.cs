using Vigil.Functions.Alerts;
using Vigil.Functions.Configuration;
using Vigil.Functions.FunctionApp.Health;
using Vigil.Functions.FunctionApp.SystemHeartbeat;
using Vigil.Functions.FunctionApp.SystemHeartbeatReceiver;
using Vigil.Functions.Health;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics;
using Vigil.Functions.Notifications;
using Vigil.Functions.Storage;
using Vigil.Storage;
using Vigil.Storage.Emulation;

namespace Vigil.Functions;

/// <summary>The composition root: one call per area.</summary>
public static class VigilServices
{
    public static IServiceCollection AddVigil(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SettingsReader(configuration));
        services.AddVigilStorage(configuration);
        services.AddHealthArea(configuration);
        services.AddMetricsArea();
        services.AddAlertsArea();
        services.AddNotificationsArea();
        services.AddSingleton<FunctionRegistry>();
        return services;
    }

    private static IServiceCollection AddHealthArea(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TimerRunLog>();
        services.AddSingleton<ITimerRunRecorder, TimerRunRecorder>();
        services.AddSingleton<PipelineHeartbeatStore>();
        services.AddSingleton<HealthReporter>();
        services.AddSingleton<IQueueStatistics>(sp => CreateQueueStatistics(sp.GetRequiredService<SettingsReader>(), configuration));
        services.AddFunction<HealthFunction>();
        services.AddFunction<SystemHeartbeatFunction>();
        services.AddFunction<SystemHeartbeatReceiverFunction>();
        return services;
    }

    private static IQueueStatistics CreateQueueStatistics(SettingsReader settings, IConfiguration configuration)
    {
        var name = AppSettings.ServiceBusConnection.Name;
        if (ServiceBusEmulation.IsEmulated(settings.Get(name)))
        {
            return new EmulatedQueueStatistics(StorageServiceCollectionExtensions.ResolveConnection(configuration, AppSettings.VigilStorage.Name).CreateQueueServiceClient());
        }

        if (settings.Get(name + "__fullyQualifiedNamespace") is { } fullyQualifiedNamespace)
        {
            var credential = AzureCredentials.FromSettings(name, settings.Get);
            return new ServiceBusQueueStatistics(fullyQualifiedNamespace, credential);
        }

        // A connection string (the Service Bus emulator, or SAS): depths are not read, the component reports unknown.
        return new UnavailableQueueStatistics();
    }

    internal static IServiceCollection AddFunction<TFunction>(this IServiceCollection services)
        where TFunction : class, IFunction
    {
        services.AddSingleton<TFunction>();
        services.AddSingleton<IFunction>(sp => sp.GetRequiredService<TFunction>());
        return services;
    }
}
