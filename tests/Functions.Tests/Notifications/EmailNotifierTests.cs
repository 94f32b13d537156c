using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;
using Vigil.Testing.StandIns;

namespace Vigil.Functions.Tests.Notifications;

/// <summary>
/// The email dispatcher against a real SMTP server (npm smtp-server): delivery with AUTH, the classification of
/// SMTP failures (bad credentials not retried, a server without STARTTLS when it is required retried as a
/// network error, nobody listening retried), and the password never in a log line or error. STARTTLS with a
/// certificate is proven end to end (the handler trusts the test's certificate through SSL_CERT_FILE).
/// </summary>
public sealed class EmailNotifierTests
{
    private static readonly ReceiverDefinition Receiver = new("ops-email", ChannelKind.Email, new EmailIntegration(["ops@example.com", "api@example.com"], null), true, null);

    [Fact]
    public async Task Send_PlainRelayWithAuth_DeliversTextAndHtmlWithSeveritySubject()
    {
        await using var smtp = await SmtpStandIn.StartAsync(startTls: false);
        using var harness = Harness(smtp, smtp.Password, startTls: "none");

        var outcome = await harness.SendAsync(Receiver, NotifierHarness.SampleNotification(ChannelKind.Email, Receiver.Name));

        Assert.Equal(DeliveryReason.Delivered, outcome.Reason);
        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("vigil", mail.User);
        Assert.Equal(["ops@example.com", "api@example.com"], mail.To);
        Assert.Contains("Subject: [CRITICAL] FIRING:1 HighErrorRate (service=api)", mail.Data, StringComparison.Ordinal);
        Assert.Contains("text/html", mail.Data, StringComparison.Ordinal);
        Assert.Contains("text/plain", mail.Data, StringComparison.Ordinal);
        harness.AssertNoSecretLeaked([outcome], smtp.Password);
    }

    [Fact]
    public async Task Send_WrongPassword_IsAClientErrorNotRetriedAndLeaksNoPassword()
    {
        await using var smtp = await SmtpStandIn.StartAsync(startTls: false);
        const string wrong = "not-the-password-91xx";
        using var harness = Harness(smtp, wrong, startTls: "none");

        var outcome = await harness.SendAsync(Receiver, NotifierHarness.SampleNotification(ChannelKind.Email, Receiver.Name));

        Assert.Equal(DeliveryReason.ClientError, outcome.Reason);
        Assert.False(outcome.Retryable);
        Assert.Empty(smtp.Mails);
        harness.AssertNoSecretLeaked([outcome], wrong, smtp.Password);
    }

    [Fact]
    public async Task Send_StartTlsRequiredButNotOffered_IsRetriedAndNothingIsSentInClear()
    {
        await using var smtp = await SmtpStandIn.StartAsync(startTls: false);
        using var harness = Harness(smtp, smtp.Password, startTls: "required");

        var outcome = await harness.SendAsync(Receiver, NotifierHarness.SampleNotification(ChannelKind.Email, Receiver.Name));

        Assert.True(outcome.Retryable, $"{outcome.Reason}: {outcome.Detail}");
        Assert.Empty(smtp.Mails);
        harness.AssertNoSecretLeaked([outcome], smtp.Password);
    }

    [Fact]
    public async Task Send_ServerNeverAnswers_TimesOutWithinTheCallTimeoutAndIsRetried()
    {
        // SmtpClient.Timeout does not bound SendMailAsync: without the notifier's own bound this call never ends,
        // and the dispatcher's claim lease (call timeout + margin) would run out while the mail may still go.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var accepted = silent.AcceptTcpClientAsync();
        using var harness = new NotifierHarness(new Dictionary<string, string?>
        {
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SMTP_STARTTLS"] = "none",
            ["ALERT_FROM_EMAIL"] = "vigil@example.com",
            ["VIGIL_NOTIFY_HTTP_TIMEOUT"] = "00:00:02",
        });

        var outcome = await harness.SendAsync(Receiver, NotifierHarness.SampleNotification(ChannelKind.Email, Receiver.Name)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DeliveryReason.Timeout, outcome.Reason);
        Assert.True(outcome.Retryable);
        Assert.Contains("2 s", outcome.Detail, StringComparison.Ordinal);
        (await accepted).Dispose();
    }

    [Fact]
    public async Task Send_SmtpHostMissing_IsMisconfigured()
    {
        using var harness = new NotifierHarness(new Dictionary<string, string?> { ["ALERT_FROM_EMAIL"] = "vigil@example.com" });

        var outcome = await harness.SendAsync(Receiver, NotifierHarness.SampleNotification(ChannelKind.Email, Receiver.Name));

        Assert.Equal(DeliveryReason.Misconfigured, outcome.Reason);
        Assert.Contains("SMTP_HOST", outcome.Detail, StringComparison.Ordinal);
    }

    private static NotifierHarness Harness(SmtpStandIn smtp, string password, string startTls) => new(new Dictionary<string, string?>
    {
        ["SMTP_HOST"] = "127.0.0.1",
        ["SMTP_PORT"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SMTP_USERNAME"] = smtp.User,
        ["SMTP_PASSWORD"] = password,
        ["SMTP_STARTTLS"] = startTls,
        ["ALERT_FROM_EMAIL"] = "vigil@example.com",
    });
}
