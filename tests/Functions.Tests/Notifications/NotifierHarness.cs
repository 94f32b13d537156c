using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Configuration;
using Vigil.Functions.Notifications.Notifiers;

namespace Vigil.Functions.Tests.Notifications;

/// <summary>
/// The real notifiers with app settings given by the test and every log line captured, plus the shared checks
/// each dispatcher's tests make: its retry classification, and that no secret appears in any log or error.
/// </summary>
public sealed class NotifierHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public NotifierHarness(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingProvider(Logs)));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SettingsReader(configuration));
        services.AddHttpClient(HttpPoster.ClientName).RemoveAllLoggers();
        services.AddSingleton<HttpPoster>();
        services.AddSingleton<SettingsSecrets>();
        services.AddSingleton<INotifier, SlackNotifier>();
        services.AddSingleton<INotifier, PagerDutyNotifier>();
        services.AddSingleton<INotifier, EmailNotifier>();
        services.AddSingleton<INotifier, WebhookNotifier>();
        services.AddSingleton<INotifier, LogNotifier>();
        _services = services.BuildServiceProvider();
    }

    public ConcurrentQueue<string> Logs { get; } = new();

    public INotifier For(ChannelKind kind) => _services.GetServices<INotifier>().Single(n => n.Channel == kind);

    /// <summary>Prepares and sends, as a dispatcher does (the detail scrubbed of secrets).</summary>
    public async Task<DeliveryOutcome> SendAsync(ReceiverDefinition receiver, Notification notification)
    {
        var notifier = For(receiver.Kind);
        var prepared = notifier.Prepare(notification, receiver);
        if (prepared.Problem is { } problem)
        {
            return problem;
        }

        var outcome = await notifier.SendAsync(prepared, CancellationToken.None);
        return outcome with { Detail = prepared.Scrub(outcome.Detail) };
    }

    /// <summary>The shared secret check: no log line and no outcome text contains any of the secrets.</summary>
    public void AssertNoSecretLeaked(IEnumerable<DeliveryOutcome> outcomes, params string[] secrets)
    {
        var texts = Logs.Concat(outcomes.Select(o => o.Detail + " " + o)).ToList();
        foreach (var secret in secrets.Where(s => s.Length > 0))
        {
            var leaks = texts.Where(t => t.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"A secret leaked into: {string.Join(" | ", leaks)}");
        }
    }

    public void Dispose() => _services.Dispose();

    public static Notification SampleNotification(ChannelKind channel, string receiver, string status = NotificationStatus.Firing, string severity = "critical")
    {
        var labels = new Dictionary<string, string> { ["rule"] = "HighErrorRate", ["service"] = "api", ["severity"] = severity };
        var annotations = new Dictionary<string, string> { ["summary"] = "Error rate 25% on api", ["runbook"] = "https://example.com/runbooks/errors" };
        var now = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        return new Notification
        {
            Id = "n" + Guid.NewGuid().ToString("N")[..20],
            Receiver = receiver,
            Channel = channel,
            GroupKey = "{}:" + receiver + ":{rule=\"HighErrorRate\", service=\"api\"}",
            GroupId = "g1",
            GroupLabels = new Dictionary<string, string> { ["rule"] = "HighErrorRate", ["service"] = "api" },
            CommonLabels = labels,
            CommonAnnotations = annotations,
            Alerts = [new NotifiedAlert { Fingerprint = "0123456789abcdef", Status = status, Labels = labels, Annotations = annotations, StartsAt = now, EndsAt = status == NotificationStatus.Resolved ? now.AddMinutes(5) : null, Severity = severity }],
            CreatedAt = now,
        };
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, sink);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, ConcurrentQueue<string> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
