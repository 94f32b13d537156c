using Vigil.Domain.Labels;
using Vigil.Domain.Notifications;
using Vigil.Domain.Notifications.Inhibition;
using Vigil.Domain.Notifications.Silences;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Muting;
using Vigil.Functions.Notifications.Routing;
using Vigil.Functions.Notifications.Silences;

namespace Vigil.Functions.Notifications.Muting;

/// <summary>Silences, inhibition and mute times at one instant (what the router's flushes and the mute status share).</summary>
public sealed class MuteContext
{
    public MuteContext(Silencer silencer, Inhibitor inhibitor)
    {
        Silencer = silencer;
        Inhibitor = inhibitor;
    }

    public Silencer Silencer { get; }

    public Inhibitor Inhibitor { get; }

    public bool Mutes(LabelSet labels) => Silencer.SilencedBy(labels).Count > 0 || Inhibitor.InhibitedBy(labels).Count > 0;
}

/// <summary>
/// Builds <see cref="MuteContext"/>s from the stored silences and the firing alerts the router knows; also the
/// alerts area's <see cref="IAlertMuteStatus"/> (what <c>GET /api/alerts</c> shows as muted).
/// </summary>
public sealed class MuteContextFactory : IAlertMuteStatus
{
    private readonly SilenceStore _silences;
    private readonly RoutedAlertStore _alerts;
    private readonly ConfigProvider _config;
    private readonly TimeProvider _time;

    public MuteContextFactory(SilenceStore silences, RoutedAlertStore alerts, ConfigProvider config, TimeProvider time)
    {
        _silences = silences;
        _alerts = alerts;
        _config = config;
        _time = time;
    }

    public async Task<MuteContext> CreateAsync(NotificationConfig config, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var silencer = new Silencer(await _silences.ListAsync(cancellationToken), now);
        var inhibitor = Inhibitor.None;
        if (config.InhibitRules.Count > 0)
        {
            var firing = await _alerts.ListFiringAsync(cancellationToken);
            inhibitor = new Inhibitor(config.InhibitRules, firing.Select(a => new InhibitionSource(a.Fingerprint, a.LabelSet)));
        }

        return new MuteContext(silencer, inhibitor);
    }

    public async Task<IReadOnlyDictionary<string, AlertMute>> GetAsync(IReadOnlyList<MuteQuery> alerts, CancellationToken cancellationToken)
    {
        if (alerts.Count == 0)
        {
            return new Dictionary<string, AlertMute>(StringComparer.Ordinal);
        }

        var config = (await _config.GetAsync(cancellationToken)).Config.Notifications;
        var now = _time.GetUtcNow();
        var context = await CreateAsync(config, now, cancellationToken);
        var result = new Dictionary<string, AlertMute>(StringComparer.Ordinal);
        foreach (var alert in alerts)
        {
            var labels = LabelSet.From(alert.Labels);
            var routes = config.Destinations(labels).Select(d => d.Route).Distinct().ToList();
            var held = routes.Select(r => config.HeldBy(r, now)).ToList();
            var muteTimes = routes.Count > 0 && held.All(h => h.Count > 0) ? held.SelectMany(h => h).Distinct(StringComparer.Ordinal).ToList() : [];
            var mute = new AlertMute(context.Silencer.SilencedBy(labels), context.Inhibitor.InhibitedBy(labels), muteTimes);
            result[alert.Fingerprint] = mute.Muted ? mute : AlertMute.NotMuted;
        }

        return result;
    }
}
