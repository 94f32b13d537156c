using System.Net;
using System.Text;
using Azure.Core.Pipeline;

namespace Vigil.Storage.Tests.Support;

/// <summary>
/// A transport without a network: Azure.Core's real HttpClientTransport over a handler that records each attempt
/// and answers from a script. Plug it in with <see cref="Options"/>.
/// </summary>
public sealed class FakeTransport : HttpMessageHandler
{
    private readonly Func<int, HttpRequestMessage, HttpResponseMessage> _respond;

    /// <param name="respond">Given the zero-based attempt number and the request, the response to return.</param>
    public FakeTransport(Func<int, HttpRequestMessage, HttpResponseMessage> respond) => _respond = respond;

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>Options using this transport, with near-zero retry delays so tests stay fast.</summary>
    public StorageClientOptions Options(TimeProvider? clock = null)
    {
        var options = new StorageClientOptions { Transport = new HttpClientTransport(this) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        if (clock is not null)
        {
            options.TimeProvider = clock;
        }

        return options;
    }

    public static HttpResponseMessage Respond(HttpStatusCode status, string? body = null, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status);
        if (body is not null)
        {
            response.Content = new StringContent(body, Encoding.UTF8);
            response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        Requests.Add(new RecordedRequest(request.Method.Method, request.RequestUri!, headers, body));
        return _respond(Requests.Count - 1, request);
    }
}

public sealed record RecordedRequest(string Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body);

/// <summary>A clock stuck at one instant, so x-ms-date and the signature are known in advance.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
