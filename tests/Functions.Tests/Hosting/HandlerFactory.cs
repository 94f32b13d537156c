using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Tests.Hosting;

/// <summary>The real handler app on a TestServer, with recording test functions and captured logs.</summary>
public sealed class HandlerFactory : WebApplicationFactory<Program>
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Logs { get; } = new();

    public RecordingFunctions Recorded { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("FUNCTIONS_CUSTOMHANDLER_PORT", "0");
        builder.UseSetting("VigilStorage", "UseDevelopmentStorage=true");
        builder.UseSetting("ServiceBusConnection", "UseDevelopmentStorage=true");
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(Recorded);
            services.AddSingleton<IFunction, TestHttpFunction>();
            services.AddSingleton<IFunction, TestTimerFunction>();
            services.AddSingleton<IFunction, TestServiceBusFunction>();
            services.AddSingleton<IFunction, ThrowingFunction>();
            services.AddSingleton<ITimerRunRecorder>(Recorded);
        });
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<(LogLevel, string, string)> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, sink);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<(LogLevel, string, string)> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue((logLevel, category, formatter(state, exception)));
    }
}

/// <summary>What the test functions decoded, for the tests to assert on.</summary>
public sealed class RecordingFunctions : ITimerRunRecorder
{
    public HttpTriggerRequest? Http { get; set; }

    public TimerInfo? Timer { get; set; }

    public ServiceBusMessage? Message { get; set; }

    public string? MessageBodyText { get; set; }

    public List<string> RecordedTimerRuns { get; } = [];

    public Task RecordAsync(string timerName, TimerInfo timer, CancellationToken cancellationToken)
    {
        RecordedTimerRuns.Add(timerName);
        return Task.CompletedTask;
    }
}

public sealed class TestHttpFunction(RecordingFunctions recorded) : HttpFunction
{
    public override string Name => "TestHttp";

    protected override Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        recorded.Http = request;
        outputs.AddMessage("out", new { received = request.Body.Length });
        return Task.FromResult(HttpResponseData.Json(System.Net.HttpStatusCode.Accepted, new { accepted = 1 }));
    }
}

public sealed class TestTimerFunction(RecordingFunctions recorded) : TimerFunction(recorded)
{
    public override string Name => "TestTimer";

    protected override Task RunAsync(TimerInfo timer, InvocationResult outputs, CancellationToken cancellationToken)
    {
        recorded.Timer = timer;
        return Task.CompletedTask;
    }
}

public sealed class TestServiceBusFunction(RecordingFunctions recorded) : ServiceBusFunction
{
    public override string Name => "TestServiceBus";

    protected override Task HandleAsync(ServiceBusMessage message, InvocationResult outputs, CancellationToken cancellationToken)
    {
        recorded.Message = message;
        recorded.MessageBodyText = message.Body.GetRawText();
        outputs.AddMessage("first", new { n = 1 });
        outputs.AddMessage("first", new { n = 2 });
        return Task.CompletedTask;
    }
}

public sealed class ThrowingFunction : ServiceBusFunction
{
    public override string Name => "Throwing";

    protected override Task HandleAsync(ServiceBusMessage message, InvocationResult outputs, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("boom\nsecond line");
}
