using Microsoft.Extensions.DependencyInjection;
using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Silences;
using Vigil.Functions.Alerts.Muting;
using Vigil.Functions.Notifications.Routing;
using Vigil.Functions.Notifications.Silences;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Notifications;

/// <summary>The seam GET /api/alerts uses: silences, inhibition by firing alerts, and mute times, on Azurite.</summary>
[Collection(NotificationsAzuriteCollection.Name)]
public sealed class AlertMuteStatusTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _service = "svc" + Guid.NewGuid().ToString("N")[..8];
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        _services = MuteTestServices.Create(azurite);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task GetAsync_SilencedInhibitedAndHeldAlerts_AreMutedWithTheirReasons()
    {
        var now = DateTimeOffset.UtcNow;
        var silence = new Silence(Guid.NewGuid().ToString("D"), [LabelMatcher.Parse($"service={_service}"), LabelMatcher.Parse("rule=Silenced")], now.AddMinutes(-1), now.AddHours(1), "test", "testing", now);
        await _services.GetRequiredService<SilenceStore>().SaveAsync(silence, CancellationToken.None);
        var source = MuteTestServices.Firing("ServiceDown", _service, "critical");
        await _services.GetRequiredService<RoutedAlertStore>().SaveAsync(source, [], default, now, CancellationToken.None);
        var status = _services.GetRequiredService<IAlertMuteStatus>();

        var mutes = await status.GetAsync(
            [
                Query("silenced", new() { ["rule"] = "Silenced", ["service"] = _service, ["severity"] = "info" }),
                Query("inhibited", new() { ["rule"] = "Slow", ["service"] = _service, ["severity"] = "warning" }),
                Query("held", new() { ["rule"] = "Nightly", ["service"] = "other", ["team"] = "night", ["severity"] = "info" }),
                Query("free", new() { ["rule"] = "Slow", ["service"] = "other" + _service, ["severity"] = "warning" }),
            ],
            CancellationToken.None);

        Assert.Equal([silence.Id], mutes["silenced"].SilencedBy);
        Assert.Equal([source.Fingerprint], mutes["inhibited"].InhibitedBy);
        Assert.Equal(["outside never"], mutes["held"].MuteTimes);
        Assert.True(mutes["held"].Muted);
        Assert.False(mutes["free"].Muted);
    }

    private static MuteQuery Query(string fingerprint, Dictionary<string, string> labels) => new(fingerprint, labels);
}
