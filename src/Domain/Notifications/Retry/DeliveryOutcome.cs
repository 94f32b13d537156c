using System.Globalization;

namespace Vigil.Domain.Notifications.Retry;

/// <summary>
/// Why an attempt ended as it did: a closed set, used in the attempt log, the API's <c>result</c> filter and logs.
/// </summary>
public enum DeliveryReason
{
    /// <summary>The receiver accepted it (HTTP 2xx, SMTP 2xx).</summary>
    Delivered,

    /// <summary>HTTP 429: retried after Retry-After (or the back-off).</summary>
    RateLimited,

    /// <summary>HTTP 5xx or 408, SMTP 4xx: a transient failure of the receiver; retried.</summary>
    ServerError,

    /// <summary>No connection, DNS failure, connection reset, TLS handshake failure: retried.</summary>
    NetworkError,

    /// <summary>No answer in time: retried.</summary>
    Timeout,

    /// <summary>HTTP 4xx other than 408/429, SMTP 5xx: the receiver refuses this request; not retried.</summary>
    ClientError,

    /// <summary>Vigil cannot send: an app setting is missing, the receiver was removed; not retried.</summary>
    Misconfigured,

    /// <summary>The process stopped while the request was out: it may or may not have arrived, and is not sent again (never twice).</summary>
    Unknown,

    /// <summary>Retries ran past the delivery deadline: given up (dead-lettered); a meta-alert goes to the fallback receiver.</summary>
    DeadLettered,
}

public static class DeliveryReasons
{
    public static string Text(this DeliveryReason reason) => reason switch
    {
        DeliveryReason.Delivered => "delivered",
        DeliveryReason.RateLimited => "rateLimited",
        DeliveryReason.ServerError => "serverError",
        DeliveryReason.NetworkError => "networkError",
        DeliveryReason.Timeout => "timeout",
        DeliveryReason.ClientError => "clientError",
        DeliveryReason.Misconfigured => "misconfigured",
        DeliveryReason.Unknown => "unknown",
        _ => "deadLettered",
    };

    public static IReadOnlyList<string> AllTexts { get; } = [.. Enum.GetValues<DeliveryReason>().Select(Text)];

    public static bool TryParse(string? text, out DeliveryReason reason)
    {
        foreach (var candidate in Enum.GetValues<DeliveryReason>())
        {
            if (candidate.Text() == text)
            {
                reason = candidate;
                return true;
            }
        }

        reason = default;
        return false;
    }
}

/// <summary>
/// The classified result of one attempt. <see cref="Detail"/> is Vigil's own text (never a raw exception message
/// or a response body, which could echo a secret URL or key).
/// </summary>
public sealed record DeliveryOutcome(DeliveryReason Reason, int? RemoteStatus, TimeSpan? RetryAfter, string Detail)
{
    public bool Succeeded => Reason == DeliveryReason.Delivered;

    public bool Retryable => Reason is DeliveryReason.RateLimited or DeliveryReason.ServerError or DeliveryReason.NetworkError or DeliveryReason.Timeout;

    public static DeliveryOutcome Delivered(int? status, string detail = "accepted") => new(DeliveryReason.Delivered, status, null, detail);
}

/// <summary>
/// The one classifier every dispatcher uses: HTTP 2xx ok; 429, 408, 5xx and network errors retryable (with
/// Retry-After honoured); other 4xx not. SMTP: 2xx ok, 4xx transient, 5xx permanent.
/// </summary>
public static class DeliveryClassifier
{
    /// <summary>Longest Retry-After taken at its word (a receiver asking for more is retried at the deadline's mercy).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    public static DeliveryOutcome FromHttp(int status, string? retryAfter, DateTimeOffset now) => status switch
    {
        >= 200 and < 300 => DeliveryOutcome.Delivered(status),
        429 => new(DeliveryReason.RateLimited, status, ParseRetryAfter(retryAfter, now), $"rate limited (HTTP {status})"),
        408 => new(DeliveryReason.Timeout, status, ParseRetryAfter(retryAfter, now), $"request timeout (HTTP {status})"),
        >= 500 => new(DeliveryReason.ServerError, status, ParseRetryAfter(retryAfter, now), $"server error (HTTP {status})"),
        >= 400 => new(DeliveryReason.ClientError, status, null, $"rejected (HTTP {status})"),
        _ => new(DeliveryReason.ClientError, status, null, $"unexpected answer (HTTP {status})"),
    };

    public static DeliveryOutcome FromSmtp(int status, string what) => status switch
    {
        >= 200 and < 400 => DeliveryOutcome.Delivered(status, what),
        >= 400 and < 500 => new(DeliveryReason.ServerError, status, null, $"SMTP transient failure {status} ({what})"),
        _ => new(DeliveryReason.ClientError, status, null, $"SMTP permanent failure {status} ({what})"),
    };

    public static DeliveryOutcome Network(string what) => new(DeliveryReason.NetworkError, null, null, what);

    public static DeliveryOutcome TimedOut(TimeSpan after) =>
        new(DeliveryReason.Timeout, null, null, string.Create(CultureInfo.InvariantCulture, $"no answer within {after.TotalSeconds:0.#} s"));

    public static DeliveryOutcome Misconfigured(string what) => new(DeliveryReason.Misconfigured, null, null, what);

    /// <summary>Retry-After as delay-seconds or an HTTP date (RFC 9110); null when absent or unreadable.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            return Clamp(TimeSpan.FromSeconds(seconds));
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? Clamp(date - now)
            : null;

        static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxRetryAfter ? MaxRetryAfter : delay;
    }
}
