using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Domain.Configuration;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Configuration;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications;
using Vigil.Functions.Notifications.Delivery;
using Vigil.Functions.Notifications.Notifiers;
using Vigil.Functions.Storage;
using Vigil.Testing;
using Vigil.Testing.StandIns;

namespace Vigil.Functions.Tests.Notifications;

[CollectionDefinition(Name)]
public sealed class NotificationsAzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "NotificationsAzurite";
}

/// <summary>
/// Delivery once in effect, with the real delivery records on Azurite and a Kestrel Slack stand-in: a crash
/// before the call is delivered on redelivery, a crash after it is never sent again, two dispatchers racing send
/// once, a long Retry-After parks the notification until the sweep puts it back, and a dead end raises a
/// meta-alert to the fallback receiver.
/// </summary>
[Collection(NotificationsAzuriteCollection.Name)]
public sealed class DeliveryGuaranteeTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);

    // Each test its own webhook setting, so its rate-limit budget (keyed by the setting) is its own.
    private readonly string _setting = "SLACK_WEBHOOK_URL_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private ReceiverStandIn _slack = null!;
    private ServiceProvider _services = null!;
    private CrashingNotifier _crashing = null!;

    public DeliveryGuaranteeTests(AzuriteFixture azurite) => _azurite = azurite;

    public async Task InitializeAsync()
    {
        _slack = await ReceiverStandIn.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [_setting] = new Uri(_slack.BaseAddress, "services/T/B/token").ToString(),
            ["VIGIL_NOTIFY_HTTP_TIMEOUT"] = "00:00:05",
            ["VIGIL_NOTIFY_DELIVERY_DEADLINE"] = "00:05:00",
            ["VIGIL_CONFIG_CACHE"] = "01:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new SettingsReader(configuration));
        services.AddSingleton(_azurite.StorageConnection.CreateTableServiceClient());
        services.AddSingleton<VigilTables>();
        services.AddSingleton<ConfigStore>();
        services.AddSingleton<ConfigProvider>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<AttemptLog>();
        services.AddSingleton<IJitter>(new FixedJitter());
        services.AddHttpClient(HttpPoster.ClientName).RemoveAllLoggers();
        services.AddSingleton<HttpPoster>();
        services.AddSingleton<SettingsSecrets>();
        services.AddSingleton<SlackNotifier>();
        services.AddSingleton(sp => new CrashingNotifier(sp.GetRequiredService<SlackNotifier>()));
        services.AddSingleton<INotifier>(sp => sp.GetRequiredService<CrashingNotifier>());
        services.AddSingleton<DeliveryProcessor>();
        _services = services.BuildServiceProvider();
        _crashing = _services.GetRequiredService<CrashingNotifier>();
        var document = """
            receivers:
              - name: ops-slack
                slack: { webhookUrl: "%SETTING%" }
                rateLimit: "1000/s"
              - name: fallback
                log: {}
            route:
              receiver: ops-slack
              fallbackReceiver: fallback
            """;
        document = document.Replace("SETTING", _setting, StringComparison.Ordinal);
        _services.GetRequiredService<ConfigProvider>().Use(new StoredConfig(document, 1, "h", _time.GetUtcNow(), default), ConfigReader.Load(document).Config);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private DeliveryProcessor Processor => _services.GetRequiredService<DeliveryProcessor>();

    private DeliveryStore Store => _services.GetRequiredService<DeliveryStore>();

    [Fact]
    public async Task Process_CrashBeforeTheCall_IsDeliveredOnRedelivery()
    {
        var notification = await QueueAsync();
        _crashing.CrashBeforeCall = true;

        await Assert.ThrowsAsync<SimulatedCrashException>(() => Processor.ProcessAsync(Message(notification), CancellationToken.None));
        _crashing.CrashBeforeCall = false;
        await Processor.ProcessAsync(Message(notification), CancellationToken.None);

        Assert.Single(_slack.Requests);
        Assert.Equal(DeliveryState.Delivered, (await Store.GetAsync(notification.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Process_CrashAfterTheCall_IsNeverSentAgainAndEndsUnknown()
    {
        var notification = await QueueAsync();
        _crashing.CrashAfterCall = true;

        await Assert.ThrowsAsync<SimulatedCrashException>(() => Processor.ProcessAsync(Message(notification), CancellationToken.None));
        _crashing.CrashAfterCall = false;
        await Processor.ProcessAsync(Message(notification), CancellationToken.None); // redelivered at once: still leased
        _time.Advance(TimeSpan.FromMinutes(2));
        await Processor.ProcessAsync(Message(notification), CancellationToken.None); // redelivered after the lease

        Assert.Single(_slack.Requests);
        Assert.Equal(DeliveryState.Unknown, (await Store.GetAsync(notification.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Process_CrashDuringTheCall_ClosedUnknownAfterTheLeaseWithAMetaAlertToTheFallback()
    {
        var notification = await QueueAsync();
        _crashing.CrashAfterCall = true;

        await Assert.ThrowsAsync<SimulatedCrashException>(() => Processor.ProcessAsync(Message(notification), CancellationToken.None));
        _crashing.CrashAfterCall = false;
        _time.Advance(TimeSpan.FromMinutes(2));
        var outputs = new InvocationResult();
        await Processor.SweepAsync(notification.Id, outputs, CancellationToken.None); // the sweep finds the lapsed claim

        Assert.Single(_slack.Requests);
        var record = (await Store.GetAsync(notification.Id, CancellationToken.None))!;
        Assert.Equal(DeliveryState.Unknown, record.State);
        Assert.Equal(1, record.Attempts);
        var meta = await Store.GetAsync(NotificationIds.Hash("meta\nfallback\n" + notification.Id, 32), CancellationToken.None);
        Assert.NotNull(meta);
        Assert.Equal("fallback", meta!.Notification.Receiver);
        Assert.Contains("Delivery to ops-slack (slack) failing: unknown", meta.Notification.Alerts[0].Annotations["summary"], StringComparison.Ordinal);
        Assert.Contains("may not have been delivered", meta.Notification.Alerts[0].Annotations["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_TwoDispatchersAtOnce_SendOnce()
    {
        var notification = await QueueAsync();
        _slack.Answer = (_, _) => new StandInAnswer(200, Delay: TimeSpan.FromMilliseconds(500));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Processor.ProcessAsync(Message(notification), CancellationToken.None)));
        await Processor.ProcessAsync(Message(notification), CancellationToken.None);

        Assert.Single(_slack.Requests);
        Assert.Equal(DeliveryState.Delivered, (await Store.GetAsync(notification.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Process_ServerErrorThenOk_RetriesInlineAndRecordsEachAttempt()
    {
        var notification = await QueueAsync();
        _slack.Answer = (_, n) => n == 0 ? new StandInAnswer(503) : StandInAnswer.Ok;

        await Processor.ProcessAsync(Message(notification), CancellationToken.None);

        Assert.Equal(2, _slack.Requests.Count);
        var page = await _services.GetRequiredService<AttemptLog>().ReadAsync(10, null, null, null, notification.Id, CancellationToken.None);
        Assert.Equal(["delivered", "serverError"], page.Attempts.Select(a => a.Result));
    }

    [Fact]
    public async Task Process_LongRetryAfter_IsParkedAndTheSweepEnqueuesItWhenDue()
    {
        var notification = await QueueAsync();
        _slack.Answer = (_, n) => n == 0 ? new StandInAnswer(429, RetryAfter: "60") : StandInAnswer.Ok;

        await Processor.ProcessAsync(Message(notification), CancellationToken.None);
        var parked = (await Store.GetAsync(notification.Id, CancellationToken.None))!;
        var early = new InvocationResult();
        await Processor.ProcessAsync(Message(notification), CancellationToken.None); // a duplicate message before it is due
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Contains(notification.Id, await Store.ListDueAsync(_time.GetUtcNow(), CancellationToken.None));
        var outputs = new InvocationResult();
        await Processor.SweepAsync(notification.Id, outputs, CancellationToken.None);
        await Processor.ProcessAsync(Message(notification), CancellationToken.None);

        Assert.Equal(DeliveryState.Retrying, parked.State);
        Assert.Equal(0, early.MessageCount(NotificationOutputs.Slack));
        Assert.Equal(1, outputs.MessageCount(NotificationOutputs.Slack));
        Assert.Equal(2, _slack.Requests.Count);
        Assert.Equal(DeliveryState.Delivered, (await Store.GetAsync(notification.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Process_RetriedPastTheDeadline_IsDeadLetteredWithAMetaAlertToTheFallback()
    {
        var notification = await QueueAsync();
        _slack.Answer = (_, _) => new StandInAnswer(503, RetryAfter: "100");

        await Processor.ProcessAsync(Message(notification), CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(101));
            await Processor.ProcessAsync(Message(notification), CancellationToken.None);
        }

        var record = (await Store.GetAsync(notification.Id, CancellationToken.None))!;
        Assert.Equal(DeliveryState.DeadLettered, record.State);
        var meta = await Store.GetAsync(NotificationIds.Hash("meta\nfallback\n" + notification.Id, 32), CancellationToken.None);
        Assert.NotNull(meta);
        Assert.Equal("fallback", meta!.Notification.Receiver);
        Assert.Contains("Delivery to ops-slack (slack) failing", meta.Notification.Alerts[0].Annotations["summary"], StringComparison.Ordinal);
    }

    private async Task<Notification> QueueAsync()
    {
        var notification = NotifierHarness.SampleNotification(ChannelKind.Slack, "ops-slack") with { CreatedAt = _time.GetUtcNow() };
        var now = _time.GetUtcNow();
        Assert.True(await Store.CreateAsync(new DeliveryRecord { Notification = notification, Deadline = now.AddMinutes(5), UpdatedAt = now }, now.AddMinutes(1), CancellationToken.None));
        return notification;
    }

    private static DeliveryMessage Message(Notification notification) => new(notification.Id, "slack");

    private sealed class FixedJitter : IJitter
    {
        public double Next() => 0;
    }

    private sealed class SimulatedCrashException : Exception
    {
    }

    /// <summary>The real Slack notifier, made to "die" before or after its call.</summary>
    private sealed class CrashingNotifier(SlackNotifier inner) : INotifier
    {
        public bool CrashBeforeCall { get; set; }

        public bool CrashAfterCall { get; set; }

        public ChannelKind Channel => ChannelKind.Slack;

        public PreparedSend Prepare(Notification notification, ReceiverDefinition receiver) =>
            CrashBeforeCall ? throw new SimulatedCrashException() : inner.Prepare(notification, receiver);

        public async Task<DeliveryOutcome> SendAsync(PreparedSend prepared, CancellationToken cancellationToken)
        {
            var outcome = await inner.SendAsync(prepared, cancellationToken);
            return CrashAfterCall ? throw new SimulatedCrashException() : outcome;
        }
    }
}

/// <summary>A clock the test moves (timers still run on real time).</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks)) + (DateTimeOffset.UtcNow - Started);

    private DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
