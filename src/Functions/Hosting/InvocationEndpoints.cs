using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Vigil.Functions.Hosting;

/// <summary>
/// The custom-handler contract on the wire: <c>GET /</c> for readiness, <c>POST /{FunctionName}</c> per invocation.
/// A malformed envelope answers 400 and a failed function 500 (both fail the invocation, so the trigger
/// retries); each failure is one log line.
/// </summary>
public static partial class InvocationEndpoints
{
    /// <summary>Largest invocation envelope read (a 1 MB ingest body grows by a third as Base64).</summary>
    public const long MaxEnvelopeBytes = 16 * 1024 * 1024;

    public static IEndpointRouteBuilder MapInvocationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The host pings GET / every 25 ms until it answers, then now and then for latency: keep it cheap.
        endpoints.MapGet("/", static () => Results.Text("ok"));
        endpoints.MapPost("/{functionName}", InvokeAsync);
        return endpoints;
    }

    private static async Task InvokeAsync(HttpContext context, string functionName, FunctionRegistry registry, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("Vigil.Invocation");
        var invocationId = context.Request.Headers["X-Azure-Functions-InvocationId"].ToString();
        if (!registry.TryGet(functionName, out var function))
        {
            LogUnknownFunction(logger, functionName, invocationId);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var started = Stopwatch.GetTimestamp();
        ReadOnlyMemory<byte> body;
        try
        {
            body = await ReadBodyAsync(context, context.RequestAborted);
        }
        catch (InvocationFormatException ex)
        {
            LogRejected(logger, functionName, invocationId, ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        InvocationRequest request;
        try
        {
            request = InvocationRequest.Parse(body, functionName, invocationId);
        }
        catch (InvocationFormatException ex)
        {
            LogRejected(logger, functionName, invocationId, ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using (request)
        {
            var result = new InvocationResult();
            try
            {
                await function.InvokeAsync(request, result, context.RequestAborted);
            }
            catch (InvocationFormatException ex)
            {
                LogRejected(logger, functionName, invocationId, ex.Message);
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                LogCancelled(logger, functionName, invocationId);
                context.Response.StatusCode = 499;
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, functionName, invocationId, ex.GetType().Name);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            byte[] encoded;
            try
            {
                encoded = result.Encode();
            }
            catch (InvalidOperationException ex)
            {
                LogFailed(logger, ex, functionName, invocationId, "output encoding");
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = encoded.Length;
            await context.Response.Body.WriteAsync(encoded, context.RequestAborted);
            LogCompleted(logger, functionName, invocationId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = MaxEnvelopeBytes;
        }

        var length = context.Request.ContentLength;
        if (length > MaxEnvelopeBytes)
        {
            throw new InvocationFormatException($"the invocation body has {length} bytes; the limit is {MaxEnvelopeBytes}");
        }

        var buffer = new ArrayBufferWriter<byte>(length is > 0 and < int.MaxValue ? (int)length.Value : 4096);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(8192);
                var read = await context.Request.Body.ReadAsync(memory, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > MaxEnvelopeBytes)
                {
                    throw new InvocationFormatException($"the invocation body exceeds {MaxEnvelopeBytes} bytes");
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            throw new InvocationFormatException($"the invocation body could not be read: {ex.Message}", ex);
        }

        return buffer.WrittenMemory;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Invocation {InvocationId} names unknown function {Function}")]
    private static partial void LogUnknownFunction(ILogger logger, string function, string invocationId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Invocation {InvocationId} of {Function} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string function, string invocationId, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Invocation {InvocationId} of {Function} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function, string invocationId, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Invocation {InvocationId} of {Function} cancelled by the host")]
    private static partial void LogCancelled(ILogger logger, string function, string invocationId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Invocation {InvocationId} of {Function} completed in {ElapsedMs:F1} ms")]
    private static partial void LogCompleted(ILogger logger, string function, string invocationId, double elapsedMs);
}
