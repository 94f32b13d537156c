using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>A JSON POST to a receiver: URL, body and extra headers.</summary>
public sealed record HttpPost(Uri Url, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Makes the one HTTP call of an attempt and classifies it: the status (and Retry-After) through
/// <see cref="DeliveryClassifier"/>, network failures and timeouts as retryable. The response body is never read
/// into a detail, and exception messages are never kept (both can echo a secret URL or key); the HTTP client has
/// no request logging (it would log the URL).
/// </summary>
public sealed class HttpPoster
{
    public const string ClientName = "vigil-notify";

    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    public HttpPoster(IHttpClientFactory clients, TimeProvider time, SettingsReader settings)
    {
        _clients = clients;
        _time = time;
        _timeout = settings.GetDuration(AppSettings.NotifyHttpTimeout);
    }

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The factory owns the handlers; HttpClient instances from it need no disposal.")]
    public async Task<DeliveryOutcome> PostAsync(HttpPost post, CancellationToken cancellationToken)
    {
        var client = _clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, post.Url)
        {
            Content = new StringContent(post.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Vigil", "1.0"));
        foreach (var (name, value) in post.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var retryAfter = response.Headers.RetryAfter is { } header
                ? header.Delta is { } delta ? ((int)delta.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : header.Date?.ToString("r", System.Globalization.CultureInfo.InvariantCulture)
                : null;
            return DeliveryClassifier.FromHttp((int)response.StatusCode, retryAfter, _time.GetUtcNow());
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return DeliveryClassifier.TimedOut(_timeout);
        }
        catch (HttpRequestException ex)
        {
            return DeliveryClassifier.Network(Describe(ex));
        }
    }

    /// <summary>What went wrong, in Vigil's words (the host and port are not secret; the path and query may be).</summary>
    private static string Describe(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException socket => $"network error ({socket.SocketErrorCode})",
        AuthenticationException => "TLS handshake failed",
        IOException => "connection closed by the receiver",
        _ => $"network error ({ex.HttpRequestError})",
    };
}
