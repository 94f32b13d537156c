using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Vigil.Storage.Pipeline;

/// <summary>
/// One service endpoint behind one <see cref="HttpPipeline"/>: builds requests relative to the endpoint,
/// sends them through Azure.Core's retry policy (authentication runs per retry) and turns failures
/// into <see cref="RequestFailedException"/>s.
/// </summary>
internal sealed class StoragePipeline
{
    private readonly HttpPipeline _pipeline;
    private readonly string _apiVersion;
    private readonly Func<Response, RequestFailedException> _createException;

    public StoragePipeline(
        Uri endpoint,
        string apiVersion,
        StorageClientOptions options,
        HttpPipelinePolicy authentication,
        Func<Response, RequestFailedException>? createException = null)
    {
        Endpoint = endpoint;
        _apiVersion = apiVersion;
        _createException = createException ?? CreateException;
        _pipeline = HttpPipelineBuilder.Build(new HttpPipelineOptions(options)
        {
            PerRetryPolicies = { authentication },
            RequestFailedDetailsParser = StorageErrorParser.Instance,
        });
    }

    /// <summary>The service endpoint, without a trailing slash (path-style for Azurite).</summary>
    public Uri Endpoint { get; }

    public static RequestFailedException CreateException(Response response) =>
        new(response, null, StorageErrorParser.Instance);

    /// <summary>Creates a request for <paramref name="escapedPath"/> (already URL-escaped, relative to the endpoint).</summary>
    public HttpMessage CreateMessage(RequestMethod method, string escapedPath)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(Endpoint);
        if (escapedPath.Length > 0)
        {
            request.Uri.AppendPath("/" + escapedPath, escape: false);
        }

        request.Headers.SetValue("x-ms-version", _apiVersion);
        return message;
    }

    /// <summary>Sends the message and throws on an error status unless it is one of <paramref name="tolerated"/>.</summary>
    public async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken, params int[] tolerated)
    {
        await _pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.IsError && !tolerated.Contains(response.Status))
        {
            throw _createException(response);
        }

        return response;
    }

    /// <summary>Escapes a resource name for a path segment.</summary>
    public static string Escape(string name) => Uri.EscapeDataString(name);
}
