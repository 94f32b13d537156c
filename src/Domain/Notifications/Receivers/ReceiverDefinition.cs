namespace Vigil.Domain.Notifications.Receivers;

/// <summary>The kinds of integration a receiver can be; each has its own queue and dispatcher function.</summary>
public enum ChannelKind
{
    Slack,
    PagerDuty,
    Email,
    Webhook,
    Log,
}

public static class ChannelKinds
{
    public static readonly IReadOnlyList<ChannelKind> All = [ChannelKind.Slack, ChannelKind.PagerDuty, ChannelKind.Email, ChannelKind.Webhook, ChannelKind.Log];

    /// <summary>The configuration key and the name used in queues, logs and the API: slack, pagerduty, email, webhook, log.</summary>
    public static string Key(this ChannelKind kind) => kind switch
    {
        ChannelKind.Slack => "slack",
        ChannelKind.PagerDuty => "pagerduty",
        ChannelKind.Email => "email",
        ChannelKind.Webhook => "webhook",
        _ => "log",
    };

    public static bool TryParse(string? text, out ChannelKind kind)
    {
        foreach (var candidate in All)
        {
            if (candidate.Key() == text)
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}

/// <summary>
/// A named receiver with exactly one integration. Secret values (webhook URLs, routing keys, signing secrets) are
/// <see cref="SettingValue"/> references to app settings, resolved when a notification is sent.
/// </summary>
public sealed record ReceiverDefinition(string Name, ChannelKind Kind, ReceiverIntegration Integration, bool SendResolved, RateLimits.RateLimit? RateLimit)
{
    /// <summary>The rate limit in force: the receiver's own, else the channel's default (Slack 1/s, PagerDuty 120/min).</summary>
    public RateLimits.RateLimit? EffectiveRateLimit => RateLimit ?? RateLimits.RateLimit.DefaultFor(Kind);

    /// <summary>The key the rate limit is shared under: receivers that post with the same secret setting share one budget.</summary>
    public string RateLimitKey => Integration switch
    {
        SlackIntegration slack => "slack:" + slack.WebhookUrl,
        PagerDutyIntegration pagerDuty => "pagerduty:" + pagerDuty.RoutingKey,
        _ => Kind.Key() + ":receiver:" + Name,
    };
}

/// <summary>The settings of one integration.</summary>
public abstract record ReceiverIntegration
{
    /// <summary>Every app setting the integration names (checked at PUT /api/config; resolved at send time).</summary>
    public abstract IEnumerable<SettingValue> Settings { get; }
}

/// <summary>A Slack incoming webhook (the URL is a secret: always an app setting).</summary>
public sealed record SlackIntegration(SettingValue WebhookUrl, string? Channel, string? Username, string? IconEmoji) : ReceiverIntegration
{
    public override IEnumerable<SettingValue> Settings => [WebhookUrl];
}

/// <summary>PagerDuty Events API v2 (the routing key is a secret: always an app setting).</summary>
public sealed record PagerDutyIntegration(SettingValue RoutingKey, string? Source, string? Component, string? Group, string? Class) : ReceiverIntegration
{
    public override IEnumerable<SettingValue> Settings => [RoutingKey];
}

/// <summary>E-mail over SMTP; the server and its credentials come from app settings (SMTP_*).</summary>
public sealed record EmailIntegration(IReadOnlyList<string> To, string? From) : ReceiverIntegration
{
    /// <summary>The app setting naming the SMTP server (required by any email receiver).</summary>
    public const string HostSetting = "SMTP_HOST";

    /// <summary>The app setting with the sender address (required unless the receiver gives <c>from</c>).</summary>
    public const string FromSetting = "ALERT_FROM_EMAIL";

    public override IEnumerable<SettingValue> Settings =>
        From is null ? [SettingValue.FromSetting(HostSetting), SettingValue.FromSetting(FromSetting)] : [SettingValue.FromSetting(HostSetting)];
}

/// <summary>An Alertmanager-compatible webhook, signed with HMAC-SHA256 when a secret is given.</summary>
public sealed record WebhookIntegration(SettingValue Url, SettingValue? Secret, int MaxAlerts) : ReceiverIntegration
{
    public override IEnumerable<SettingValue> Settings => Secret is null ? [Url] : [Url, Secret];
}

/// <summary>Writes each notification as one line to the handler's log (no account needed: the local default).</summary>
public sealed record LogIntegration : ReceiverIntegration
{
    public override IEnumerable<SettingValue> Settings => [];
}
