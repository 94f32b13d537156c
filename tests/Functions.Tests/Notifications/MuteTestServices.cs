using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Domain.Alerts.Events;
using Vigil.Domain.Configuration;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Muting;
using Vigil.Functions.Configuration;
using Vigil.Functions.Notifications.Muting;
using Vigil.Functions.Notifications.Routing;
using Vigil.Functions.Notifications.Silences;
using Vigil.Functions.Storage;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Notifications;

/// <summary>
/// The real mute status on Azurite (silences, routed alerts as inhibition sources, configuration) with a document
/// that inhibits warnings by a critical alert of the same service and holds the route of <c>team=night</c> outside
/// the mute time <c>never</c> (reported as <c>outside never</c>).
/// </summary>
public static class MuteTestServices
{
    public const string Document = """
        receivers:
          - name: console
            log: {}
        route:
          receiver: console
          routes:
            - match: { team: night }
              activeTimes: [never]
        inhibit:
          - sourceMatch: { severity: critical }
            targetMatch: { severity: warning }
            equal: [service]
        muteTimes:
          - name: never
            years: ["1999"]
        """;

    public static ServiceProvider Create(AzuriteFixture azurite, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["VIGIL_CONFIG_CACHE"] = "01:00:00" }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SettingsReader(configuration));
        services.AddSingleton(azurite.StorageConnection.CreateTableServiceClient());
        services.AddSingleton<VigilTables>();
        services.AddSingleton<ConfigStore>();
        services.AddSingleton<ConfigProvider>();
        services.AddSingleton<SilenceStore>();
        services.AddSingleton<RoutedAlertStore>();
        services.AddSingleton<MuteContextFactory>();
        services.AddSingleton<IAlertMuteStatus>(sp => sp.GetRequiredService<MuteContextFactory>());
        more?.Invoke(services);
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ConfigProvider>().Use(new StoredConfig(Document, 1, "h", DateTimeOffset.UtcNow, default), ConfigReader.Load(Document).Config);
        return provider;
    }

    /// <summary>A firing event of <paramref name="rule"/> on <paramref name="service"/>, as the router records it.</summary>
    public static AlertEvent Firing(string rule, string service, string severity) => new()
    {
        EventId = Guid.NewGuid().ToString("N"),
        Rule = rule,
        Fingerprint = "src" + Guid.NewGuid().ToString("N")[..13],
        Sequence = 1,
        Transition = "firing",
        State = "firing",
        Severity = severity,
        Labels = new Dictionary<string, string> { ["rule"] = rule, ["service"] = service, ["severity"] = severity },
        Annotations = new Dictionary<string, string>(),
        At = DateTimeOffset.UtcNow,
    };
}
