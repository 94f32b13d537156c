using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>
/// A notification ready to send: rendered, with its secrets resolved from app settings (or the reason it cannot be
/// sent). <see cref="Secrets"/> lists the resolved secret values, which no log line or recorded error may contain.
/// </summary>
public sealed class PreparedSend
{
    private PreparedSend(object? payload, IReadOnlyList<string> secrets, DeliveryOutcome? problem)
    {
        Payload = payload;
        Secrets = secrets;
        Problem = problem;
    }

    public object? Payload { get; }

    public IReadOnlyList<string> Secrets { get; }

    /// <summary>Why it cannot be sent (a missing setting): the attempt ends with this outcome without a call.</summary>
    public DeliveryOutcome? Problem { get; }

    public static PreparedSend Ready(object payload, params string[] secrets) => new(payload, [.. secrets.Where(s => s.Length > 0)], null);

    public static PreparedSend Failed(DeliveryOutcome problem) => new(null, [], problem);

    /// <summary>Replaces every secret in <paramref name="text"/> with ***.</summary>
    public string Scrub(string text) => Secrets.Aggregate(text, (current, secret) => current.Replace(secret, "***", StringComparison.Ordinal));
}

/// <summary>
/// One channel's integration (Alertmanager's Notifier): renders and resolves first (<see cref="Prepare"/>, no I/O),
/// then makes the one call (<see cref="SendAsync"/>) and classifies its result with the shared
/// <see cref="DeliveryClassifier"/>. Never throws for a failed delivery: every failure is an outcome.
/// </summary>
public interface INotifier
{
    ChannelKind Channel { get; }

    PreparedSend Prepare(Notification notification, ReceiverDefinition receiver);

    Task<DeliveryOutcome> SendAsync(PreparedSend prepared, CancellationToken cancellationToken);
}
