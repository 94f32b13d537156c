namespace Vigil.Functions.Hosting;

/// <summary>One function of the function app: its name is its folder name and its handler route.</summary>
public interface IFunction
{
    string Name { get; }

    Task InvokeAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken);
}

/// <summary>An httpTrigger function in payload mode: trigger binding <c>req</c>, http output <c>res</c>.</summary>
public abstract class HttpFunction : IFunction
{
    public const string TriggerBinding = "req";
    public const string ResponseBinding = "res";

    public abstract string Name { get; }

    public async Task InvokeAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken)
    {
        var http = HttpTriggerRequest.FromInvocation(request, TriggerBinding);
        var response = await HandleAsync(http, result, cancellationToken);

        // A client error is still a successful invocation: the host returns our status to the caller.
        result.SetHttpResponse(ResponseBinding, response);
    }

    protected abstract Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken);

    protected static HttpResponseData MethodNotAllowed(HttpTriggerRequest request, params string[] allowed) =>
        HttpResponseData.Problem(
            new ProblemDetails { Status = 405, Title = "Method not allowed", Detail = $"{request.Method} is not supported here; use {string.Join(" or ", allowed)}." },
            new Dictionary<string, string> { ["Allow"] = string.Join(", ", allowed) });
}

/// <summary>Remembers when each timer last ran (for /api/health).</summary>
public interface ITimerRunRecorder
{
    Task RecordAsync(string timerName, TimerInfo timer, CancellationToken cancellationToken);
}

/// <summary>A timerTrigger function: trigger binding <c>timer</c>. Each completed run is recorded.</summary>
public abstract class TimerFunction : IFunction
{
    public const string TriggerBinding = "timer";
    private readonly ITimerRunRecorder _recorder;

    protected TimerFunction(ITimerRunRecorder recorder) => _recorder = recorder;

    public abstract string Name { get; }

    public async Task InvokeAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken)
    {
        var timer = TimerInfo.FromInvocation(request, TriggerBinding);
        await RunAsync(timer, result, cancellationToken);
        await _recorder.RecordAsync(Name, timer, cancellationToken);
    }

    protected abstract Task RunAsync(TimerInfo timer, InvocationResult outputs, CancellationToken cancellationToken);
}

/// <summary>A serviceBusTrigger function: trigger binding <c>message</c>.</summary>
public abstract class ServiceBusFunction : IFunction
{
    public const string TriggerBinding = "message";

    public abstract string Name { get; }

    public Task InvokeAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken) =>
        HandleAsync(ServiceBusMessage.FromInvocation(request, TriggerBinding), result, cancellationToken);

    protected abstract Task HandleAsync(ServiceBusMessage message, InvocationResult outputs, CancellationToken cancellationToken);
}
