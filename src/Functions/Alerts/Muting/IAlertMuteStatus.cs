namespace Vigil.Functions.Alerts.Muting;

/// <summary>
/// Why an alert is not notified right now: the silences matching it (ids), the firing alerts inhibiting it
/// (fingerprints) and the mute times holding every route it goes to (names). All empty: it is not muted.
/// </summary>
public sealed record AlertMute(IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy, IReadOnlyList<string> MuteTimes)
{
    public static readonly AlertMute NotMuted = new([], [], []);

    public bool Muted => SilencedBy.Count > 0 || InhibitedBy.Count > 0 || MuteTimes.Count > 0;
}

/// <summary>An alert to ask about: its fingerprint and the labels it is routed with.</summary>
public sealed record MuteQuery(string Fingerprint, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// What <c>GET /api/alerts</c> asks to show muted alerts as muted. The alerts area owns this small role and the
/// notifications area implements it (silences, inhibition, mute times), so alerts never reach into notification
/// internals. One call per request: the implementation reads silences and inhibition sources once.
/// <code>
/// var mutes = await muteStatus.GetAsync([.. active.Select(i => new MuteQuery(i.Fingerprint, i.Labels))], ct);
/// // per alert: mutes[fingerprint].Muted, .SilencedBy, .InhibitedBy, .MuteTimes (an alert not in the answer is not muted)
/// </code>
/// </summary>
public interface IAlertMuteStatus
{
    Task<IReadOnlyDictionary<string, AlertMute>> GetAsync(IReadOnlyList<MuteQuery> alerts, CancellationToken cancellationToken);
}
