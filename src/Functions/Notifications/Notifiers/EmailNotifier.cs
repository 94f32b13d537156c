using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Security.Authentication;
using System.Text;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Rendering;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>
/// E-mail over SMTP with System.Net.Mail: STARTTLS required by default (<c>SMTP_STARTTLS=required</c>; the
/// server's certificate is verified), AUTH when <c>SMTP_USERNAME</c> is set, a plain-text and an HTML part, subject
/// <c>[SEVERITY] ...</c>. SMTP 2xx is delivered, 4xx retried, 5xx not; connection and TLS failures are retried.
/// The whole conversation is bounded by <c>VIGIL_NOTIFY_HTTP_TIMEOUT</c> (<see cref="SmtpClient.Timeout"/> only
/// bounds the synchronous Send, never SendMailAsync), so the dispatcher's claim lease always outlives the call.
/// </summary>
public sealed class EmailNotifier : INotifier
{
    private readonly SettingsSecrets _secrets;
    private readonly SettingsReader _settings;
    private readonly TimeSpan _timeout;

    public EmailNotifier(SettingsSecrets secrets, SettingsReader settings)
    {
        _secrets = secrets;
        _settings = settings;
        _timeout = settings.GetDuration(AppSettings.NotifyHttpTimeout);
    }

    public ChannelKind Channel => ChannelKind.Email;

    public PreparedSend Prepare(Notification notification, ReceiverDefinition receiver)
    {
        var email = (EmailIntegration)receiver.Integration;
        var host = _settings.Get(AppSettings.SmtpHost);
        var from = email.From ?? _settings.Get(AppSettings.AlertFromEmail);
        if (host is null || from is null)
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured($"the app setting {(host is null ? AppSettings.SmtpHost.Name : AppSettings.AlertFromEmail.Name)} is not set"));
        }

        if (!int.TryParse(_settings.Get(AppSettings.SmtpPort), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured($"{AppSettings.SmtpPort.Name} is not a port number"));
        }

        var startTls = _settings.Get(AppSettings.SmtpStartTls);
        if (startTls is not ("required" or "none"))
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured($"{AppSettings.SmtpStartTls.Name} must be required or none"));
        }

        var content = EmailContent.Render(notification, _settings.Get(AppSettings.ExternalUrl));
        var user = _settings.Get(AppSettings.SmtpUsername);
        var password = _settings.Get(AppSettings.SmtpPassword) ?? string.Empty;
        var send = new SmtpSend(host, port, startTls == "required", user, password, from, email.To, content, notification.Id);
        return PreparedSend.Ready(send, password);
    }

    public async Task<DeliveryOutcome> SendAsync(PreparedSend prepared, CancellationToken cancellationToken)
    {
        var send = (SmtpSend)prepared.Payload!;
        using var message = new MailMessage { From = new MailAddress(send.From), Subject = send.Content.Subject, SubjectEncoding = Encoding.UTF8, BodyEncoding = Encoding.UTF8 };
        foreach (var to in send.To)
        {
            message.To.Add(to);
        }

        message.Body = send.Content.Text;
        message.IsBodyHtml = false;
        message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(send.Content.Html, Encoding.UTF8, MediaTypeNames.Text.Html));
        message.Headers.Add("X-Vigil-Notification-Id", send.NotificationId);

        using var client = new SmtpClient(send.Host, send.Port)
        {
            EnableSsl = send.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            UseDefaultCredentials = false,
            Timeout = (int)Math.Min(int.MaxValue, _timeout.TotalMilliseconds),
        };
        if (send.User is not null)
        {
            client.Credentials = new NetworkCredential(send.User, send.Password);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await client.SendMailAsync(message, timeout.Token);
            return DeliveryOutcome.Delivered(250, "accepted by the SMTP server");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return DeliveryClassifier.TimedOut(_timeout);
        }
        catch (SmtpException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return DeliveryClassifier.TimedOut(_timeout);
        }
        catch (SmtpFailedRecipientsException ex)
        {
            return DeliveryClassifier.FromSmtp((int)ex.StatusCode, "recipients refused");
        }
        catch (SmtpException ex)
        {
            return Classify(ex);
        }
        catch (InvalidOperationException)
        {
            return DeliveryClassifier.Misconfigured("the SMTP client refused the message settings");
        }
    }

    /// <summary>SMTP replies by their status code; no reply at all (connection, STARTTLS, TLS) is a network error.</summary>
    private static DeliveryOutcome Classify(SmtpException ex)
    {
        var status = (int)ex.StatusCode;
        if (ex.InnerException is AuthenticationException)
        {
            return DeliveryClassifier.Network("TLS handshake with the SMTP server failed");
        }

        if (status is >= 400 and < 600)
        {
            var what = ex.StatusCode switch
            {
                SmtpStatusCode.MustIssueStartTlsFirst => "the server requires STARTTLS",
                SmtpStatusCode.ClientNotPermitted => "authentication failed",
                _ => ex.StatusCode.ToString(),
            };
            return DeliveryClassifier.FromSmtp(status, what);
        }

        return DeliveryClassifier.Network(ex.InnerException is null && ex.StatusCode == SmtpStatusCode.GeneralFailure
            ? "the SMTP conversation failed (no STARTTLS offered, or the connection dropped)"
            : $"could not talk to the SMTP server ({ex.InnerException?.GetType().Name ?? ex.StatusCode.ToString()})");
    }

    private sealed record SmtpSend(string Host, int Port, bool StartTls, string? User, string Password, string From, IReadOnlyList<string> To, EmailContent Content, string NotificationId);
}
