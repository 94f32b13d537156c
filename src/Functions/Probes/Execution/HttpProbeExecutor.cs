using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Checks;
using Vigil.Domain.Probes.Results;
using Vigil.Functions.Probes.Network;

namespace Vigil.Functions.Probes.Execution;

/// <summary>
/// An HTTP(S) probe. Each run has its own <see cref="SocketsHttpHandler"/>: its connections go through the guard
/// (<see cref="GuardedConnector"/> as ConnectCallback), its certificate callback records the server certificate
/// (days left, and why it is not trusted), and nothing is shared or reused between runs, so a run measures a cold
/// request and sees DNS changes. Redirects are followed here, hop by hop (each hop through the guard, credentials
/// dropped when the origin changes). At most 64 KB of the body is read; then <see cref="HttpCheck"/> judges.
/// </summary>
public sealed class HttpProbeExecutor : IProbeExecutor
{
    public const string UserAgent = "Vigil-Probe/1.0";

    private static readonly string[] CredentialHeaders = ["Authorization", "Proxy-Authorization", "Cookie"];

    private readonly GuardedConnector _connector;

    public HttpProbeExecutor(GuardedConnector connector) => _connector = connector;

    public string Kind => "http";

    public async Task<ProbeResult> RunAsync(ProbeRun run, CancellationToken cancellationToken)
    {
        var target = (HttpProbeTarget)run.Probe.Target;
        var headers = new List<(string Name, string Value)>();
        foreach (var (name, value) in target.Headers)
        {
            if (!SettingReferences.TryExpand(value, run.Setting, out var expanded, out var missing))
            {
                return run.Failed($"the header {name} names the app setting {missing}, which is not set");
            }

            headers.Add((name, expanded));
        }

        string? body = null;
        if (target.Body is { } template && !SettingReferences.TryExpand(template, run.Setting, out body, out var missingInBody))
        {
            return run.Failed($"the body names the app setting {missingInBody}, which is not set");
        }

        var uri = target.Url;
        CertificateObservation? certificate = null;
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = (context, token) => _connector.ConnectStreamAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, run.Policy, token),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                {
                    certificate = CertificateInspection.Observe(cert, chain, errors, uri.IdnHost, includeDates: true);
                    return !target.TlsVerify || errors == SslPolicyErrors.None;
                },
            },
        };
        using var client = new HttpMessageInvoker(handler);

        var method = new HttpMethod(target.Method);
        var crossOrigin = false;
        for (var hop = 0; ; hop++)
        {
            using var request = CreateRequest(method, uri, headers, body, crossOrigin);
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                return run.Failed(Describe(ex, uri, certificate));
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (target.FollowRedirects && IsRedirect(status) && response.Headers.Location is { } location)
                {
                    if (hop >= HttpProbeTarget.MaxRedirects)
                    {
                        return run.Failed($"more than {HttpProbeTarget.MaxRedirects} redirects", status);
                    }

                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (next.Scheme is not ("http" or "https"))
                    {
                        return run.Failed($"redirected to a {next.Scheme}: URL, which a probe does not follow", status);
                    }

                    crossOrigin |= Uri.Compare(uri, next, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0;
                    if ((status == 303 && method != HttpMethod.Head) || (status is 301 or 302 && method == HttpMethod.Post))
                    {
                        method = HttpMethod.Get;
                        body = null;
                    }

                    uri = next;
                    continue;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(HttpProbeTarget.MaxBodyBytes + 1);
                try
                {
                    int read;
                    try
                    {
                        read = await ReadBodyAsync(response, buffer, cancellationToken);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        return run.Failed($"HTTP {status}, but reading the body failed: {Innermost(ex).Message}", status);
                    }

                    var observation = new HttpObservation(status, buffer.AsMemory(0, Math.Min(read, HttpProbeTarget.MaxBodyBytes)), read > HttpProbeTarget.MaxBodyBytes, run.Elapsed);
                    var days = certificate is { } observed ? CertificateCheck.DaysLeft(observed, run.Now) : (double?)null;
                    return ProbeResult.From(run.StartedAt, observation.Duration, HttpCheck.Judge(target, observation), status, days);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    private static HttpRequestMessage CreateRequest(HttpMethod method, Uri uri, List<(string Name, string Value)> headers, string? body, bool crossOrigin)
    {
        var request = new HttpRequestMessage(method, uri) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        var userAgent = false;
        foreach (var (name, value) in headers)
        {
            if (crossOrigin && CredentialHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue; // never hand credentials to another origin a redirect points at
            }

            userAgent |= name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase);
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (!userAgent)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        }

        return request;
    }

    private static async Task<int> ReadBodyAsync(HttpResponseMessage response, byte[] buffer, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = 0;
        var limit = HttpProbeTarget.MaxBodyBytes + 1; // one byte more tells a body that was cut
        while (read < limit)
        {
            var count = await stream.ReadAsync(buffer.AsMemory(read, limit - read), cancellationToken);
            if (count == 0)
            {
                break;
            }

            read += count;
        }

        return read;
    }

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static string Describe(HttpRequestException ex, Uri uri, CertificateObservation? certificate)
    {
        var host = uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is ProbeNetworkException network)
            {
                return network.Message;
            }
        }

        return ex.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError when certificate?.Problem is { } problem => $"TLS: the certificate of {host} is not trusted: {problem}",
            HttpRequestError.SecureConnectionError => $"TLS handshake with {host} failed: {Innermost(ex).Message}",
            HttpRequestError.ResponseEnded => $"{host} closed the connection without an answer",
            HttpRequestError.InvalidResponse => $"{host} did not answer with valid HTTP: {Innermost(ex).Message}",
            _ when Innermost(ex) is AuthenticationException auth => $"TLS handshake with {host} failed: {auth.Message}",
            _ => $"the request to {host} failed: {Innermost(ex).Message}",
        };
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
