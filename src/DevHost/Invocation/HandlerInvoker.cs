using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.DevHost.AppRoot;
using Vigil.DevHost.Handler;

namespace Vigil.DevHost.Invocation;

/// <summary>The outcome of one invocation, as the host sees it.</summary>
public sealed record InvocationOutcome(bool Succeeded, JsonObject Outputs, IReadOnlyList<string> Logs, string? Failure, TimeSpan Duration)
{
    public static InvocationOutcome Failed(string failure, TimeSpan duration) => new(false, [], [], failure, duration);
}

/// <summary>
/// Sends invocations to the handler: <c>POST /{FunctionName}</c> with <c>{"Data","Metadata"}</c>, the host's
/// headers, and the host's rules for the answer: non-2xx or a body that is not JSON fails the invocation (body and
/// logs discarded); a function that runs past functionTimeout fails and the handler process is restarted.
/// </summary>
public sealed class HandlerInvoker
{
    public const string HostVersion = "4.1040.0.0-vigil-devhost";
    private readonly HandlerProcess _handler;
    private readonly FunctionAppDefinition _app;
    private readonly DevHostLog _log;

    public HandlerInvoker(HandlerProcess handler, FunctionAppDefinition app, DevHostLog log)
    {
        _handler = handler;
        _app = app;
        _log = log;
    }

    public async Task<InvocationOutcome> InvokeAsync(FunctionDefinition function, JsonObject data, JsonObject metadata, CancellationToken cancellationToken)
    {
        metadata["sys"] = HostPayload.Sys(function.Name, DateTimeOffset.UtcNow);
        var envelope = new JsonObject { ["Data"] = data, ["Metadata"] = metadata };
        var invocationId = Guid.NewGuid().ToString();
        var started = Stopwatch.GetTimestamp();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_app.Host.FunctionTimeout);
        try
        {
            var client = await _handler.GetClientAsync(timeout.Token);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/" + function.Name, UriKind.Relative))
            {
                Content = new StringContent(envelope.ToJsonString(HostPayload.Json), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Azure-Functions-InvocationId", invocationId);
            request.Headers.Add("X-Azure-Functions-HostVersion", HostVersion);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Azure-Functions-Host", HostVersion));

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (!response.IsSuccessStatusCode)
            {
                return InvocationOutcome.Failed($"Response status code does not indicate success: {(int)response.StatusCode} ({response.ReasonPhrase}).", elapsed);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is not ("application/json" or "text/json"))
            {
                return InvocationOutcome.Failed($"Invalid HttpResponseMessage: Content-Type '{mediaType}' is not JSON.", elapsed);
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return Parse(function, body, elapsed);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            _log.Error($"{function.Name} timed out after {_app.Host.FunctionTimeout}; restarting the handler, as the host does.");
            _ = _handler.RestartAsync($"{function.Name} timed out", CancellationToken.None);
            return InvocationOutcome.Failed("Timeout value of " + _app.Host.FunctionTimeout + " exceeded by function.", elapsed);
        }
        catch (HttpRequestException ex)
        {
            return InvocationOutcome.Failed($"The handler did not answer: {ex.Message}", Stopwatch.GetElapsedTime(started));
        }
    }

    private InvocationOutcome Parse(FunctionDefinition function, string body, TimeSpan elapsed)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return InvocationOutcome.Failed("Invalid HttpResponseMessage: the body is not JSON.", elapsed);
        }

        if (root is not JsonObject result)
        {
            return InvocationOutcome.Failed("Invalid HttpResponseMessage: the body is not a JSON object.", elapsed);
        }

        // The host reads Outputs/Logs/ReturnValue case-insensitively (Newtonsoft defaults).
        var outputs = Find(result, "Outputs") as JsonObject ?? [];
        var logs = Find(result, "Logs") is JsonArray array
            ? array.Select(l => l?.GetValueKind() == JsonValueKind.String ? l.GetValue<string>() : l?.ToJsonString() ?? string.Empty).ToList()
            : [];
        foreach (var line in logs)
        {
            _log.Info($"[{function.Name}] {line}");
        }

        outputs.Parent?.AsObject().Remove(outputs.GetPropertyName());
        return new InvocationOutcome(true, outputs, logs, null, elapsed);
    }

    private static JsonNode? Find(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
