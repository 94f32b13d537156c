using Vigil.Domain.Notifications.RateLimits;
using Vigil.Domain.Notifications.Retry;

namespace Vigil.Domain.Tests.Notifications;

/// <summary>The shared classifier, the back-off with injected jitter, Retry-After, and the rate limiter.</summary>
public sealed class DeliveryRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(200, DeliveryReason.Delivered, false)]
    [InlineData(202, DeliveryReason.Delivered, false)]
    [InlineData(429, DeliveryReason.RateLimited, true)]
    [InlineData(408, DeliveryReason.Timeout, true)]
    [InlineData(500, DeliveryReason.ServerError, true)]
    [InlineData(503, DeliveryReason.ServerError, true)]
    [InlineData(400, DeliveryReason.ClientError, false)]
    [InlineData(401, DeliveryReason.ClientError, false)]
    [InlineData(404, DeliveryReason.ClientError, false)]
    public void FromHttp_Status_IsClassified(int status, DeliveryReason reason, bool retryable)
    {
        var outcome = DeliveryClassifier.FromHttp(status, null, Now);

        Assert.Equal(reason, outcome.Reason);
        Assert.Equal(retryable, outcome.Retryable);
    }

    [Theory]
    [InlineData(250, DeliveryReason.Delivered)]
    [InlineData(421, DeliveryReason.ServerError)]
    [InlineData(451, DeliveryReason.ServerError)]
    [InlineData(535, DeliveryReason.ClientError)]
    [InlineData(550, DeliveryReason.ClientError)]
    public void FromSmtp_Status_IsClassified(int status, DeliveryReason reason) =>
        Assert.Equal(reason, DeliveryClassifier.FromSmtp(status, "x").Reason);

    [Fact]
    public void ParseRetryAfter_SecondsOrHttpDate()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), DeliveryClassifier.ParseRetryAfter("30", Now));
        Assert.Equal(TimeSpan.FromSeconds(90), DeliveryClassifier.ParseRetryAfter(Now.AddSeconds(90).ToString("r", System.Globalization.CultureInfo.InvariantCulture), Now));
        Assert.Null(DeliveryClassifier.ParseRetryAfter("soon", Now));
        Assert.Equal(DeliveryClassifier.MaxRetryAfter, DeliveryClassifier.ParseRetryAfter("999999", Now));
    }

    [Fact]
    public void Next_BackOffDoublesWithJitterAndHonoursRetryAfter()
    {
        var schedule = RetrySchedule.Default;
        var serverError = DeliveryClassifier.FromHttp(503, null, Now);
        var deadline = Now.AddHours(1);

        Assert.Equal(Now.AddSeconds(0.5), schedule.Next(1, serverError, Now, deadline, 0).RetryAt);
        Assert.Equal(Now.AddSeconds(2), schedule.Next(2, serverError, Now, deadline, 0.999999).RetryAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(Now.AddSeconds(3), schedule.Next(3, serverError, Now, deadline, 0.5).RetryAt);
        Assert.Equal(Now.AddMinutes(5), schedule.Next(30, serverError, Now, deadline, 0.999999).RetryAt, TimeSpan.FromMilliseconds(1));
        var limited = DeliveryClassifier.FromHttp(429, "20", Now);
        Assert.Equal(Now.AddSeconds(20), schedule.Next(1, limited, Now, deadline, 0).RetryAt);
    }

    [Fact]
    public void Next_NotRetryableOrPastTheDeadline_GivesUp()
    {
        var schedule = RetrySchedule.Default;

        Assert.True(schedule.Next(1, DeliveryClassifier.FromHttp(400, null, Now), Now, Now.AddHours(1), 0).GiveUp);
        Assert.True(schedule.Next(1, DeliveryClassifier.FromHttp(429, "120", Now), Now, Now.AddMinutes(1), 0).GiveUp);
    }

    [Fact]
    public void Reserve_OnePerSecondBurstThree_QueuesRatherThanDrops()
    {
        Assert.True(RateLimit.TryParse("1/s burst 3", out var limit, out _));
        DateTimeOffset? tat = null;
        var slots = new List<DateTimeOffset>();
        for (var i = 0; i < 6; i++)
        {
            var (sendAt, newTat) = limit!.Reserve(tat, Now);
            slots.Add(sendAt);
            tat = newTat;
        }

        Assert.Equal([Now, Now, Now, Now.AddSeconds(1), Now.AddSeconds(2), Now.AddSeconds(3)], slots);
    }

    [Theory]
    [InlineData("120/1m", 120, 60)]
    [InlineData("1/s", 1, 1)]
    [InlineData("10/h", 10, 3600)]
    public void TryParse_Rates(string text, int count, int seconds)
    {
        Assert.True(RateLimit.TryParse(text, out var limit, out _));
        Assert.Equal(count, limit!.Count);
        Assert.Equal(TimeSpan.FromSeconds(seconds), limit.Period);
    }
}
