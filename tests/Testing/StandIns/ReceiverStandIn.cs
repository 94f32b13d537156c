using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.Testing.StandIns;

/// <summary>A request a stand-in received.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset ReceivedAt)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>How a stand-in answers one request: a status, optionally Retry-After, after a delay.</summary>
public sealed record StandInAnswer(int Status, string? RetryAfter = null, TimeSpan? Delay = null, string Body = "ok")
{
    public static readonly StandInAnswer Ok = new(200);

    public static StandInAnswer Accepted { get; } = new(202, Body: "{\"status\":\"success\",\"message\":\"Event processed\"}");
}

/// <summary>
/// A Kestrel server on 127.0.0.1 (free port) playing Slack, PagerDuty or a webhook receiver: it records every
/// request (received before the answer is sent, so a slow answer still counts as arrived) and answers as
/// <see cref="Answer"/> says: 200 by default, or 429 with Retry-After, 5xx, 4xx, slow.
/// </summary>
public sealed class ReceiverStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private int _count;

    private ReceiverStandIn(WebApplication app) => _app = app;

    /// <summary>Chooses the answer to the n-th request (0-based). Default: <see cref="StandInAnswer.Ok"/>.</summary>
    public Func<ReceivedRequest, int, StandInAnswer> Answer { get; set; } = (_, _) => StandInAnswer.Ok;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static async Task<ReceiverStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new ReceiverStandIn(app);
        app.Run(standIn.HandleAsync);
        await app.StartAsync();
        standIn.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return standIn;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived (fails the test after the timeout).</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (_requests.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Xunit.Assert.Fail($"The stand-in got {_requests.Count} requests, not {count}, within {timeout ?? TimeSpan.FromSeconds(30)}.");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }

        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _arrived.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = new ReceivedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            DateTimeOffset.UtcNow);
        var index = Interlocked.Increment(ref _count) - 1;
        var answer = Answer(request, index);
        _requests.Enqueue(request);
        _arrived.Release();
        if (answer.Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = answer.RetryAfter;
        }

        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }
}
