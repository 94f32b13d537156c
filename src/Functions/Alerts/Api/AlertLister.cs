using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Labels;
using Vigil.Domain.Rules;
using Vigil.Functions.Alerts.Muting;
using Vigil.Functions.Alerts.State;

namespace Vigil.Functions.Alerts.Api;

/// <summary>Why an alert is muted, as <c>GET /api/alerts</c> shows it (every list empty: not muted).</summary>
public sealed record AlertMuteView(IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy, IReadOnlyList<string> MuteTimes)
{
    public static AlertMuteView From(AlertMute mute) => new(mute.SilencedBy, mute.InhibitedBy, mute.MuteTimes);
}

/// <summary>One alert instance as <c>GET /api/alerts</c> lists it.</summary>
public sealed record AlertListEntry(
    string Rule,
    string Fingerprint,
    string State,
    string? Severity,
    double? Value,
    string? Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset? Since,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    bool Flapping,
    DateTimeOffset? LastEvaluatedAt,
    bool Muted,
    AlertMuteView Mute);

/// <summary>
/// Lists alert instances for <c>GET /api/alerts</c>: the stored instances, filtered, with each active (pending or
/// firing) instance's mute state from <see cref="IAlertMuteStatus"/> (asked once per request, only when an active
/// instance is listed). Resolved and inactive instances are never shown muted: there is nothing left to hold back.
/// Firing first, then pending, resolved, inactive; then by rule and fingerprint.
/// </summary>
public sealed class AlertLister
{
    private static readonly string[] Order = ["firing", "pending", "resolved", "inactive"];

    private readonly AlertStateStore _states;
    private readonly IAlertMuteStatus _muteStatus;

    public AlertLister(AlertStateStore states, IAlertMuteStatus muteStatus)
    {
        _states = states;
        _muteStatus = muteStatus;
    }

    public async Task<IReadOnlyList<AlertListEntry>> ListAsync(AlertListQuery query, CancellationToken cancellationToken)
    {
        var instances = (await _states.ListAsync(query.Rule, cancellationToken))
            .Where(i => query.States.Count == 0 || query.States.Contains(StateText(i.State.Phase), StringComparer.Ordinal))
            .Where(i => query.Severities.Count == 0 || (i.State.Severity is { } s && query.Severities.Contains(s.ToText(), StringComparer.Ordinal)))
            .Where(i => query.Labels.Count == 0 || LabelMatcher.MatchesAll(query.Labels, LabelSet.From(i.Labels)))
            .ToList();

        var active = instances.Where(IsActive).ToList();
        var mutes = active.Count == 0
            ? new Dictionary<string, AlertMute>(StringComparer.Ordinal)
            : await _muteStatus.GetAsync([.. active.Select(i => new MuteQuery(i.Fingerprint, i.Labels))], cancellationToken);

        return [.. instances
            .Select(i => Describe(i, IsActive(i) ? mutes.GetValueOrDefault(i.Fingerprint) ?? AlertMute.NotMuted : AlertMute.NotMuted))
            .Where(e => query.Muted is not { } muted || e.Muted == muted)
            .OrderBy(e => Array.IndexOf(Order, e.State))
            .ThenBy(e => e.Rule, StringComparer.Ordinal)
            .ThenBy(e => e.Fingerprint, StringComparer.Ordinal)];
    }

    private static bool IsActive(AlertInstance instance) => instance.State.IsActive;

    private static AlertListEntry Describe(AlertInstance instance, AlertMute mute)
    {
        var state = instance.State;
        return new AlertListEntry(
            instance.Rule,
            instance.Fingerprint,
            StateText(state.Phase),
            state.Severity?.ToText(),
            state.Value,
            instance.Status,
            instance.Labels,
            instance.Annotations,
            state.Phase switch
            {
                AlertPhase.Firing => state.FiringSince,
                AlertPhase.Pending => state.ActiveSince,
                AlertPhase.Resolved => state.ResolvedAt,
                _ => state.LastEvaluatedAt,
            },
            state.FiringSince,
            state.Phase == AlertPhase.Resolved ? state.ResolvedAt : null,
            state.Flapping,
            state.LastEvaluatedAt,
            mute.Muted,
            AlertMuteView.From(mute));
    }

    private static string StateText(AlertPhase phase) => phase.ToString().ToLowerInvariant();
}
