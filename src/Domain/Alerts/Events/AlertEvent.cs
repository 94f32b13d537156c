using System.Globalization;
using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Labels;
using Vigil.Domain.Rules;

namespace Vigil.Domain.Alerts.Events;

/// <summary>
/// The message the evaluator puts on the <c>alert-events</c> queue for every transition of an alert instance
/// (docs/architecture.md, "Alert events"). Consumers (the router) dedupe on <see cref="EventId"/>: the same
/// transition always carries the same id, so a message delivered twice is recognisable.
/// <para>Notified states are <c>firing</c> and <c>resolved</c>; <c>pending</c> and <c>inactive</c> are informational.
/// A <c>flapping</c> event announces that the instance is flapping (once); the next event of that instance
/// announces its settled state.</para>
/// </summary>
public sealed record AlertEvent
{
    /// <summary>Version of this contract; bumped on a breaking change.</summary>
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Stable id of the transition: hash of rule, instance, instance creation time and sequence (hex).</summary>
    public required string EventId { get; init; }

    public required string Rule { get; init; }

    /// <summary>The instance: FNV-1a fingerprint (16 hex digits) of the rule name and the group labels.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The transition number within the instance (1, 2, ...): orders events of one instance.</summary>
    public required long Sequence { get; init; }

    /// <summary>What happened: pending, inactive, firing, severityChanged, resolved, flappingStarted, flappingStopped.</summary>
    public required string Transition { get; init; }

    /// <summary>What receivers should believe: firing, resolved, pending or inactive.</summary>
    public required string State { get; init; }

    /// <summary>info, warning, error or critical (the last severity for a resolved alert).</summary>
    public string? Severity { get; init; }

    public double? Value { get; init; }

    /// <summary>Group labels, rule labels, <c>rule</c> and <c>severity</c>.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required IReadOnlyDictionary<string, string> Annotations { get; init; }

    /// <summary>When the instance started firing (or pending, for pending events).</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>When it resolved (resolved events only).</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>When the transition happened.</summary>
    public required DateTimeOffset At { get; init; }

    public bool Flapping { get; init; }

    /// <summary>The rule's cooldown in seconds: the router sends at most one notification per instance per cooldown.</summary>
    public double CooldownSeconds { get; init; }

    public static AlertEvent Create(AlertRule rule, LabelSet group, AlertState state, AlertTransition transition, string? status)
    {
        var labels = rule.InstanceLabels(group, transition.Severity);
        var fingerprint = rule.InstanceIdentity(group).FingerprintHex;
        return new AlertEvent
        {
            EventId = EventIdFor(rule.Name, fingerprint, state.CreatedAt, transition.Sequence),
            Rule = rule.Name,
            Fingerprint = fingerprint,
            Sequence = transition.Sequence,
            Transition = ToCamel(transition.Kind.ToString()),
            State = ToCamel(transition.State.ToString()),
            Severity = transition.Severity?.ToText(),
            Value = transition.Value,
            Labels = labels.ToDictionary(),
            Annotations = rule.RenderAnnotations(labels, transition.Value, transition.Severity, status),
            StartsAt = transition.StartsAt,
            EndsAt = transition.EndsAt,
            At = transition.At,
            Flapping = transition.Flapping,
            CooldownSeconds = rule.Cooldown.TotalSeconds,
        };
    }

    /// <summary>
    /// The event of an instance whose rule no longer exists (removed or renamed): labels and annotations are the
    /// ones stored with the instance, as last announced.
    /// </summary>
    public static AlertEvent ForRetired(string rule, string fingerprint, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> annotations, AlertState state, AlertTransition transition) => new()
    {
        EventId = EventIdFor(rule, fingerprint, state.CreatedAt, transition.Sequence),
        Rule = rule,
        Fingerprint = fingerprint,
        Sequence = transition.Sequence,
        Transition = ToCamel(transition.Kind.ToString()),
        State = ToCamel(transition.State.ToString()),
        Severity = transition.Severity?.ToText(),
        Value = transition.Value,
        Labels = labels,
        Annotations = annotations,
        StartsAt = transition.StartsAt,
        EndsAt = transition.EndsAt,
        At = transition.At,
        Flapping = false,
    };

    /// <summary>The id of transition <paramref name="sequence"/> of an instance (FNV-1a over its parts).</summary>
    public static string EventIdFor(string rule, string fingerprint, DateTimeOffset createdAt, long sequence)
    {
        var key = LabelSet.From(
            ("rule", rule),
            ("instance", fingerprint),
            ("created", createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture)),
            ("sequence", sequence.ToString(CultureInfo.InvariantCulture)));
        return key.FingerprintHex + "-" + sequence.ToString(CultureInfo.InvariantCulture);
    }

    private static string ToCamel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
