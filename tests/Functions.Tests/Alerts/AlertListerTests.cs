using Microsoft.Extensions.DependencyInjection;
using Moq;
using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Silences;
using Vigil.Domain.Rules;
using Vigil.Functions.Alerts.Api;
using Vigil.Functions.Alerts.Muting;
using Vigil.Functions.Alerts.State;
using Vigil.Functions.Hosting;
using Vigil.Functions.Tests.Notifications;
using Vigil.Functions.Notifications.Routing;
using Vigil.Functions.Notifications.Silences;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Alerts;

/// <summary>
/// GET /api/alerts composed with the mute status: stored instances on Azurite, the notifications area's real
/// <see cref="IAlertMuteStatus"/> (<see cref="MuteTestServices"/>: silences, inhibition by firing alerts, mute times), the <c>muted</c> filter.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AlertListerTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly string _service = "svc" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _rule = "Lister" + Guid.NewGuid().ToString("N")[..8];
    private ServiceProvider _services = null!;

    public AlertListerTests(AzuriteFixture azurite) => _azurite = azurite;

    public Task InitializeAsync()
    {
        _services = MuteTestServices.Create(_azurite, services =>
        {
            services.AddSingleton<AlertStateStore>();
            services.AddSingleton<AlertLister>();
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task ListAsync_SilencedInhibitedAndHeldAlerts_ShowWhyTheyAreMuted()
    {
        var now = DateTimeOffset.UtcNow;
        var silence = new Silence(Guid.NewGuid().ToString("D"), [LabelMatcher.Parse($"service={_service}"), LabelMatcher.Parse("kind=silenced")], now.AddMinutes(-1), now.AddHours(1), "test", "testing", now);
        await _services.GetRequiredService<SilenceStore>().SaveAsync(silence, CancellationToken.None);
        var source = MuteTestServices.Firing("ServiceDown", _service, "critical");
        await _services.GetRequiredService<RoutedAlertStore>().SaveAsync(source, [], default, now, CancellationToken.None);
        await SaveAsync("silenced", AlertPhase.Firing, AlertSeverity.Info, ("kind", "silenced"));
        await SaveAsync("inhibited", AlertPhase.Pending, AlertSeverity.Warning, ("kind", "slow"));
        await SaveAsync("held", AlertPhase.Firing, AlertSeverity.Info, ("kind", "nightly"), ("team", "night"));
        await SaveAsync("free", AlertPhase.Firing, AlertSeverity.Info, ("kind", "free"));

        var alerts = await ListAsync(muted: null);

        var silenced = alerts.Single(a => a.Fingerprint == Fingerprint("silenced"));
        Assert.True(silenced.Muted);
        Assert.Equal([silence.Id], silenced.Mute.SilencedBy);
        Assert.Empty(silenced.Mute.InhibitedBy);
        var inhibited = alerts.Single(a => a.Fingerprint == Fingerprint("inhibited"));
        Assert.True(inhibited.Muted);
        Assert.Equal([source.Fingerprint], inhibited.Mute.InhibitedBy);
        var held = alerts.Single(a => a.Fingerprint == Fingerprint("held"));
        Assert.True(held.Muted);
        Assert.Equal(["outside never"], held.Mute.MuteTimes);
        var free = alerts.Single(a => a.Fingerprint == Fingerprint("free"));
        Assert.False(free.Muted);
        Assert.Empty(free.Mute.SilencedBy);
    }

    [Fact]
    public async Task ListAsync_MutedFilter_SelectsMutedOrUnmutedOnly()
    {
        var now = DateTimeOffset.UtcNow;
        var silence = new Silence(Guid.NewGuid().ToString("D"), [LabelMatcher.Parse($"service={_service}"), LabelMatcher.Parse("kind=silenced")], now.AddMinutes(-1), now.AddHours(1), "test", "testing", now);
        await _services.GetRequiredService<SilenceStore>().SaveAsync(silence, CancellationToken.None);
        await SaveAsync("silenced", AlertPhase.Firing, AlertSeverity.Info, ("kind", "silenced"));
        await SaveAsync("free", AlertPhase.Firing, AlertSeverity.Info, ("kind", "free"));

        var muted = await ListAsync(muted: true);
        var unmuted = await ListAsync(muted: false);

        Assert.Equal([Fingerprint("silenced")], muted.Select(a => a.Fingerprint));
        Assert.Equal([Fingerprint("free")], unmuted.Select(a => a.Fingerprint));
    }

    [Fact]
    public async Task ListAsync_ResolvedAlertMatchingASilence_IsNotShownMuted()
    {
        var now = DateTimeOffset.UtcNow;
        var silence = new Silence(Guid.NewGuid().ToString("D"), [LabelMatcher.Parse($"service={_service}")], now.AddMinutes(-1), now.AddHours(1), "test", "testing", now);
        await _services.GetRequiredService<SilenceStore>().SaveAsync(silence, CancellationToken.None);
        await SaveAsync("resolved", AlertPhase.Resolved, AlertSeverity.Info, ("kind", "done"));

        var alert = Assert.Single(await ListAsync(muted: null));

        Assert.Equal("resolved", alert.State);
        Assert.False(alert.Muted);
    }

    [Fact]
    public async Task ListAsync_AsksTheMuteStatusOnceWithTheActiveInstancesOnly()
    {
        await SaveAsync("firing", AlertPhase.Firing, AlertSeverity.Info, ("kind", "a"));
        await SaveAsync("pending", AlertPhase.Pending, AlertSeverity.Info, ("kind", "b"));
        await SaveAsync("resolved", AlertPhase.Resolved, AlertSeverity.Info, ("kind", "c"));
        var status = new Mock<IAlertMuteStatus>(MockBehavior.Strict);
        IReadOnlyList<MuteQuery>? asked = null;
        status.Setup(s => s.GetAsync(It.IsAny<IReadOnlyList<MuteQuery>>(), It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<MuteQuery>, CancellationToken>((q, _) => asked = q)
            .ReturnsAsync(new Dictionary<string, AlertMute> { [Fingerprint("pending")] = new AlertMute(["s1"], [], []) });
        var lister = new AlertLister(_services.GetRequiredService<AlertStateStore>(), status.Object);

        var alerts = await lister.ListAsync(Query(muted: null), CancellationToken.None);

        status.Verify(s => s.GetAsync(It.IsAny<IReadOnlyList<MuteQuery>>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal([Fingerprint("firing"), Fingerprint("pending")], asked!.Select(q => q.Fingerprint).Order(StringComparer.Ordinal));
        Assert.Equal(_service, asked![0].Labels["service"]);
        Assert.Equal(["firing", "pending", "resolved"], alerts.Select(a => a.State));
        Assert.Equal([false, true, false], alerts.Select(a => a.Muted));
    }

    [Fact]
    public async Task ListAsync_NoActiveInstance_DoesNotAskTheMuteStatus()
    {
        await SaveAsync("resolved", AlertPhase.Resolved, AlertSeverity.Info, ("kind", "c"));
        var status = new Mock<IAlertMuteStatus>(MockBehavior.Strict);
        var lister = new AlertLister(_services.GetRequiredService<AlertStateStore>(), status.Object);

        var alerts = await lister.ListAsync(Query(muted: null), CancellationToken.None);

        Assert.Single(alerts);
        status.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("muted=maybe", "muted")]
    [InlineData("muted=TRUE&state=burning", "state")]
    public void TryParse_BadFilter_IsA400NamingTheField(string queryString, string field)
    {
        var request = new HttpTriggerRequest("GET", new Uri("http://localhost/api/alerts?" + queryString), new Dictionary<string, string[]>(), new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty);

        var ok = AlertListQuery.TryParse(request, out _, out var problem);

        Assert.False(ok);
        Assert.Equal(400, problem!.StatusCode);
        Assert.Contains($"\"field\":\"{field}\"", problem.Body, StringComparison.Ordinal);
        Assert.Contains("\"field\":\"muted\"", problem.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("muted=true", true)]
    [InlineData("muted=false", false)]
    [InlineData("state=firing", null)]
    public void TryParse_MutedFilter_IsRead(string queryString, bool? expected)
    {
        var request = new HttpTriggerRequest("GET", new Uri("http://localhost/api/alerts?" + queryString), new Dictionary<string, string[]>(), new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty);

        Assert.True(AlertListQuery.TryParse(request, out var query, out _));
        Assert.Equal(expected, query.Muted);
    }

    private AlertListQuery Query(bool? muted) => new([], [], _rule, [], muted);

    private Task<IReadOnlyList<AlertListEntry>> ListAsync(bool? muted) =>
        _services.GetRequiredService<AlertLister>().ListAsync(Query(muted), CancellationToken.None);

    private string Fingerprint(string name) => _rule + "-" + name;

    private async Task SaveAsync(string name, AlertPhase phase, AlertSeverity severity, params (string Name, string Value)[] extra)
    {
        var now = DateTimeOffset.UtcNow;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["rule"] = _rule, ["service"] = _service, ["severity"] = severity.ToText() };
        foreach (var (key, value) in extra)
        {
            labels[key] = value;
        }

        var state = AlertState.New(now.AddMinutes(-5)) with
        {
            Phase = phase,
            Severity = severity,
            ActiveSince = now.AddMinutes(-4),
            FiringSince = phase is AlertPhase.Firing or AlertPhase.Resolved ? now.AddMinutes(-3) : null,
            ResolvedAt = phase == AlertPhase.Resolved ? now.AddMinutes(-1) : null,
            LastEvaluatedAt = now,
        };
        await _services.GetRequiredService<AlertStateStore>().SaveAsync(
            new AlertInstance(_rule, Fingerprint(name), LabelSet.From(("service", _service)), labels, new Dictionary<string, string>(), state, null, default),
            CancellationToken.None);
    }
}
