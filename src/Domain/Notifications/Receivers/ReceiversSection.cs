using System.Text.RegularExpressions;
using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Notifications.RateLimits;

namespace Vigil.Domain.Notifications.Receivers;

/// <summary>
/// Reads <c>receivers</c>: one integration per receiver (<c>slack</c>, <c>pagerduty</c>, <c>email</c>,
/// <c>webhook</c> or <c>log</c>). Secrets must be <c>%SETTING%</c> references (a literal webhook URL or routing
/// key is an error: it would be stored), and with a settings lookup (<c>PUT /api/config</c>) every named setting
/// must exist. Declares each name (kind <c>receiver</c>) for the route to refer to.
/// </summary>
public sealed partial class ReceiversSection : IConfigSection
{
    public static readonly ConfigShape ReceiverShape = new("receiver", "name", "slack", "pagerduty", "email", "webhook", "log", "sendResolved", "rateLimit");
    public static readonly ConfigShape SlackShape = new("receiverSlack", "webhookUrl", "channel", "username", "iconEmoji");
    public static readonly ConfigShape PagerDutyShape = new("receiverPagerDuty", "routingKey", "source", "component", "group", "class");
    public static readonly ConfigShape EmailShape = new("receiverEmail", "to", "from");
    public static readonly ConfigShape WebhookShape = new("receiverWebhook", "url", "secret", "maxAlerts");
    public static readonly ConfigShape LogShape = new("receiverLog");

    public string Key => "receivers";

    public int Order => 20;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder)
    {
        var items = context.List(node, Key, "receivers");
        if (items is null)
        {
            return;
        }

        foreach (var (itemNode, path) in items)
        {
            var errorsBefore = context.Errors.Count;
            var reader = context.Object(itemNode, path, ReceiverShape, "a receiver");
            if (reader is null)
            {
                continue;
            }

            var name = reader.Name("name", required: true, hint: "a name such as ops-slack");
            var integration = ReadIntegration(reader, out var kind);
            var sendResolved = reader.Boolean("sendResolved") ?? true;
            RateLimit? rateLimit = null;
            if (reader.String("rateLimit") is { } rateText)
            {
                if (!RateLimit.TryParse(rateText, out rateLimit, out var error))
                {
                    reader.Error("rateLimit", error!);
                }
            }

            if (name is null || !context.DeclareName("receiver", name, reader.PathOf("name"), reader.Mapping.Get("name")!))
            {
                continue;
            }

            builder.AddObject("receiver", name, itemNode);
            if (integration is not null && context.Errors.Count == errorsBefore)
            {
                builder.Notifications.Receivers.Add(new ReceiverDefinition(name, kind, integration, sendResolved, rateLimit));
            }
        }
    }

    private static ReceiverIntegration? ReadIntegration(ObjectReader receiver, out ChannelKind kind)
    {
        kind = ChannelKind.Log;
        var present = ChannelKinds.All.Where(k => receiver.Mapping.Contains(k.Key())).ToList();
        if (present.Count == 0)
        {
            receiver.Missing("slack", "a receiver needs exactly one of slack, pagerduty, email, webhook or log (log: {} writes to the handler log)");
            return null;
        }

        if (present.Count > 1)
        {
            receiver.ErrorAtKey(present[1].Key(), $"A receiver has exactly one integration, but this one has {string.Join(" and ", present.Select(k => k.Key()))}; make one receiver each and list them in the route's receivers.");
            return null;
        }

        kind = present[0];
        return kind switch
        {
            ChannelKind.Slack => ReadSlack(receiver.Object("slack", SlackShape, "the slack settings")),
            ChannelKind.PagerDuty => ReadPagerDuty(receiver.Object("pagerduty", PagerDutyShape, "the pagerduty settings")),
            ChannelKind.Email => ReadEmail(receiver.Object("email", EmailShape, "the email settings")),
            ChannelKind.Webhook => ReadWebhook(receiver.Object("webhook", WebhookShape, "the webhook settings")),
            _ => ReadLog(receiver),
        };
    }

    private static SlackIntegration? ReadSlack(ObjectReader? slack)
    {
        if (slack is null)
        {
            return null;
        }

        var url = ReadSecret(slack, "webhookUrl", "a Slack webhook URL", "SLACK_WEBHOOK_URL");
        return url is null ? null : new SlackIntegration(url, slack.String("channel"), slack.String("username"), slack.String("iconEmoji"));
    }

    private static PagerDutyIntegration? ReadPagerDuty(ObjectReader? pagerDuty)
    {
        if (pagerDuty is null)
        {
            return null;
        }

        var key = ReadSecret(pagerDuty, "routingKey", "a PagerDuty routing key", "PAGERDUTY_ROUTING_KEY");
        var source = pagerDuty.String("source");
        var component = pagerDuty.String("component");
        var group = pagerDuty.String("group");
        var @class = pagerDuty.String("class");
        return key is null ? null : new PagerDutyIntegration(key, source, component, group, @class);
    }

    private static EmailIntegration? ReadEmail(ObjectReader? email)
    {
        if (email is null)
        {
            return null;
        }

        var to = email.StringList("to", required: true);
        var ok = to is not null;
        if (to is { Count: 0 })
        {
            email.Error("to", "Give at least one address, e.g. [ops@example.com].");
            ok = false;
        }

        foreach (var (address, node, path) in to ?? [])
        {
            if (!IsAddress(address))
            {
                email.Context.Error(path, node, $"'{address}' is not an e-mail address.");
                ok = false;
            }
        }

        var from = email.String("from");
        if (from is not null && !IsAddress(from))
        {
            email.Error("from", $"'{from}' is not an e-mail address.");
            ok = false;
        }

        var settings = email.Context.Settings;
        if (settings is not null)
        {
            if (!settings.Exists(EmailIntegration.HostSetting))
            {
                email.Context.Error(email.Path, email.Mapping, $"An email receiver needs the app setting {EmailIntegration.HostSetting} (the SMTP server; see docs/configuration.md, \"Email\"), which is not set.");
                ok = false;
            }

            if (from is null && !settings.Exists(EmailIntegration.FromSetting))
            {
                email.Context.Error(email.Path, email.Mapping, $"An email receiver needs a sender: set the app setting {EmailIntegration.FromSetting} or give 'from'.");
                ok = false;
            }
        }

        return ok ? new EmailIntegration([.. to!.Select(t => t.Value)], from) : null;
    }

    private static WebhookIntegration? ReadWebhook(ObjectReader? webhook)
    {
        if (webhook is null)
        {
            return null;
        }

        SettingValue? url = null;
        if (webhook.String("url", required: true, hint: "the URL to POST to, or \"%SETTING%\" naming an app setting that holds it") is { } text)
        {
            url = ReadValue(webhook, "url", text);
            if (url is { Literal: { } literal } && (!Uri.TryCreate(literal, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                webhook.Error("url", $"'{literal}' is not an absolute http:// or https:// URL.");
                url = null;
            }
        }

        var secret = webhook.Has("secret") ? ReadSecret(webhook, "secret", "A webhook signing secret", "WEBHOOK_SECRET") : null;
        var maxAlerts = webhook.Integer("maxAlerts", min: 0, max: 10_000) ?? 0;
        return url is null || (webhook.Has("secret") && secret is null) ? null : new WebhookIntegration(url, secret, maxAlerts);
    }

    private static LogIntegration? ReadLog(ObjectReader receiver)
    {
        var node = receiver.Mapping.Get("log");
        if (node is ConfigScalar { IsNull: true })
        {
            return new LogIntegration();
        }

        return receiver.Object("log", LogShape, "the log settings (none: write log: {})") is null ? null : new LogIntegration();
    }

    /// <summary>A secret: must be a <c>%SETTING%</c> reference (and, when settings are known, an existing one).</summary>
    private static SettingValue? ReadSecret(ObjectReader reader, string key, string what, string exampleSetting)
    {
        var text = reader.String(key, required: true, hint: $"\"%{exampleSetting}%\", the name of the app setting that holds {what.ToLowerInvariant()}");
        if (text is null)
        {
            return null;
        }

        var value = ReadValue(reader, key, text);
        if (value is { IsReference: false })
        {
            // Say so without echoing the value: it is a secret that was just pasted into a document.
            reader.Error(key, $"{Capitalize(what)} is a secret and must not be written in the configuration (it would be stored and shown); put it in an app setting (a Key Vault reference in Azure) and write its name as \"%{exampleSetting}%\".");
            return null;
        }

        return value;
    }

    private static SettingValue? ReadValue(ObjectReader reader, string key, string text)
    {
        if (SettingValue.LooksLikeBrokenReference(text) && !text.Contains("://", StringComparison.Ordinal))
        {
            reader.Error(key, "An app setting is named as the whole value, %NAME% with letters, digits and '_' (e.g. \"%SLACK_WEBHOOK_URL%\").");
            return null;
        }

        var value = SettingValue.Parse(text);
        if (value.Setting is { } setting && reader.Context.Settings is { } settings && !settings.Exists(setting))
        {
            reader.Error(key, $"The app setting {setting} is not set: add it (locally in local.settings.json, in Azure as an app setting or Key Vault reference) before applying this configuration.");
            return null;
        }

        return value;
    }

    /// <summary>A plain address (local@domain, no display name): what SMTP's RCPT TO needs.</summary>
    private static bool IsAddress(string text) => AddressPattern().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+\.)+[A-Za-z0-9-]+$|^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@localhost$", RegexOptions.CultureInvariant)]
    private static partial Regex AddressPattern();

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
