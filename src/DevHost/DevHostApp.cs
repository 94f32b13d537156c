using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.DevHost.AppRoot;
using Vigil.DevHost.Azurite;
using Vigil.DevHost.Config;
using Vigil.DevHost.Handler;
using Vigil.DevHost.Http;
using Vigil.DevHost.Invocation;
using Vigil.DevHost.Keys;
using Vigil.DevHost.ServiceBus;
using Vigil.DevHost.Settings;
using Vigil.DevHost.Timers;
using Vigil.Storage;
using Vigil.Storage.Emulation;

namespace Vigil.DevHost;

/// <summary>
/// The local Functions host: finds or starts Azurite, starts the custom handler as the host would, and drives
/// every function from its function.json (HTTP routes with function keys, timers, emulated Service Bus queues).
/// </summary>
public sealed class DevHostApp : IAsyncDisposable
{
    public const string MasterKeySetting = "DEVHOST_MASTER_KEY";
    public const string FunctionKeySetting = "DEVHOST_FUNCTION_KEY";

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly TaskCompletionSource<string> _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, TimerSchedule> _schedules = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _web;

    private DevHostApp(DevHostOptions options, DevHostLog log)
    {
        Options = options;
        Log = log;
    }

    public DevHostOptions Options { get; }

    public DevHostLog Log { get; }

    public FunctionAppDefinition App { get; private set; } = null!;

    public LocalSettings Settings { get; private set; } = null!;

    public HandlerProcess Handler { get; private set; } = null!;

    public EmulatedServiceBus ServiceBus { get; private set; } = null!;

    public StorageConnection Storage { get; private set; } = null!;

    /// <summary>http://127.0.0.1:{port}/ of the HTTP front end.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public string MasterKey { get; private set; } = string.Empty;

    public string FunctionKey { get; private set; } = string.Empty;

    /// <summary>Completes with a reason when DevHost cannot go on (the handler crashed too often).</summary>
    public Task<string> Fatal => _fatal.Task;

    public static async Task<DevHostApp> StartAsync(DevHostOptions options, CancellationToken cancellationToken)
    {
        var app = new DevHostApp(options, new DevHostLog(options.Output));
        try
        {
            await app.StartCoreAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a timer function now (the host's admin API does the same).</summary>
    public async Task<string?> RunTimerAsync(string functionName, CancellationToken cancellationToken)
    {
        var function = FindFunction(functionName);
        if (function.Trigger is not TimerTriggerBinding binding)
        {
            throw new ArgumentException($"{functionName} is not a timer function.", nameof(functionName));
        }

        return await InvokeTimerAsync(function, TimerScheduler.Payload(_schedules[function.Name], binding.UseMonitor, null, DateTimeOffset.UtcNow), cancellationToken);
    }

    public FunctionDefinition FindFunction(string name) =>
        App.Functions.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No function named {name}.", nameof(name));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_web is not null)
        {
            await _web.StopAsync(TimeSpan.FromSeconds(5));
            await _web.DisposeAsync();
        }

        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                await _owned[i].DisposeAsync();
            }
            catch (Exception ex)
            {
                Log.Error($"Stopping {_owned[i].GetType().Name}: {ex.Message}");
            }
        }

        _stopping.Dispose();
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var repoRoot = RepositoryLayout.FindRoot();
        var scriptRoot = Options.ScriptRoot ?? DevHostOptions.BuildMetadata("DefaultScriptRoot")
            ?? throw new InvalidOperationException("No --script-root given and no handler build output known.");
        App = FunctionAppDefinition.Load(scriptRoot);
        Settings = LoadSettings(repoRoot, App.ScriptRoot).With(Options.SettingOverrides);
        Log.Info($"Function app root: {App.ScriptRoot} ({App.Functions.Count} functions); settings: {Settings.SourceFile ?? "none"}");

        foreach (var function in App.Functions)
        {
            if (function.Trigger is TimerTriggerBinding timer)
            {
                var expression = Settings.ExpandRequired(timer.Schedule, $"{function.FunctionJsonPath} (schedule)");
                _schedules[function.Name] = TimerSchedule.Parse(expression, function.FunctionJsonPath);
            }
        }

        MasterKey = Settings.Get(MasterKeySetting) ?? RandomKey();
        FunctionKey = Settings.Get(FunctionKeySetting) ?? RandomKey();

        var connectionString = await ResolveStorageAsync(repoRoot, cancellationToken);
        Storage = StorageConnection.Parse(connectionString);
        Settings = Settings.With(DevelopmentStorageOverrides(connectionString));

        var queuesFile = Options.QueuesFile ?? (repoRoot is null ? null : Path.Combine(repoRoot, "infra", "bicep", "queues.json"));
        ServiceBus = new EmulatedServiceBus(Storage.CreateQueueServiceClient(), Storage.CreateBlobServiceClient(), QueueProperties.Load(queuesFile), Log)
        {
            IdlePollLimit = Options.IdlePollLimit,
        };
        _owned.Add(ServiceBus);
        await ServiceBus.EnsureQueuesAsync(App.QueueNames, cancellationToken);

        Handler = new HandlerProcess(App, Settings, Log) { AllowUnlimitedRestarts = Options.AllowUnlimitedHandlerRestarts };
        Handler.Fatal += reason => _fatal.TrySetResult(reason);
        _owned.Add(Handler);
        await Handler.StartAsync(cancellationToken);
        Invoker = new HandlerInvoker(Handler, App, Log);

        await StartHttpAsync(cancellationToken);

        foreach (var function in App.Functions.Where(f => !IsDisabled(f)))
        {
            if (function.Trigger is ServiceBusTriggerBinding trigger)
            {
                ServiceBus.StartReceiver(trigger.QueueName, App.Host.MaxConcurrentCalls, (message, ct) => InvokeServiceBusAsync(function, trigger, message, ct));
            }
        }

        var timers = new TimerScheduler(InvokeTimerAsync, Log);
        _owned.Add(timers);
        foreach (var function in App.Functions.Where(f => f.Trigger is TimerTriggerBinding && !IsDisabled(f)))
        {
            timers.Start(function, _schedules[function.Name]);
        }

        if (ConfigApplier.Resolve(Options.ConfigFile, repoRoot) is { } configFile)
        {
            Log.Info(await ConfigApplier.ApplyAsync(BaseAddress, MasterKey, configFile, cancellationToken));
        }

        if (Settings.Get(IngestKeyImporter.KeySetting) is { } ingestKey && App.Functions.Any(f => f.Name == IngestKeyImporter.FunctionName))
        {
            var source = Settings.Get(IngestKeyImporter.SourceSetting) ?? "local";
            Log.Info(await IngestKeyImporter.ImportAsync(BaseAddress, MasterKey, ingestKey, source, cancellationToken));
            IngestKey = ingestKey;
        }

        PrintBanner();
    }

    /// <summary>The local ingest key registered at start (<c>DEVHOST_INGEST_KEY</c>), or null.</summary>
    public string? IngestKey { get; private set; }

    private HandlerInvoker Invoker { get; set; } = null!;

    /// <summary>
    /// The host's switch <c>AzureWebJobs.&lt;FunctionName&gt;.Disabled = true</c>: the function gets no triggers
    /// (tests use it, e.g. to read alert-events themselves without the router consuming them).
    /// </summary>
    public bool IsDisabled(FunctionDefinition function) =>
        Settings.Get($"AzureWebJobs.{function.Name}.Disabled") is { } value && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private LocalSettings LoadSettings(string? repoRoot, string scriptRoot)
    {
        var candidates = new[]
        {
            Options.SettingsFile,
            Path.Combine(scriptRoot, "local.settings.json"),
            repoRoot is null ? null : Path.Combine(repoRoot, "local.settings.json"),
            repoRoot is null ? null : Path.Combine(repoRoot, "local.settings.sample.json"),
        };
        if (Options.SettingsFile is not null && !File.Exists(Options.SettingsFile))
        {
            throw new FileNotFoundException($"--settings {Options.SettingsFile}: no such file.");
        }

        var file = candidates.FirstOrDefault(c => c is not null && File.Exists(c));
        return file is null ? new LocalSettings(new Dictionary<string, string>(), null) : LocalSettings.Load(file);
    }

    private async Task<string> ResolveStorageAsync(string? repoRoot, CancellationToken cancellationToken)
    {
        if (Options.StorageConnectionString is { } given)
        {
            return given;
        }

        if (await AzuriteLauncher.IsListeningAsync(10000, 10001, 10002))
        {
            Log.Info("Using the Azurite already listening on 127.0.0.1:10000-10002.");
            return DevelopmentStorage.ConnectionString(10000, 10001, 10002);
        }

        var state = Options.StateDirectory ?? Path.Combine(repoRoot ?? Directory.GetCurrentDirectory(), ".vigil");
        Log.Info($"Starting Azurite (installing it into {Path.Combine(state, "azurite")} on first use)...");
        var azurite = await AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions
            {
                InstallDirectory = Path.Combine(state, "azurite"),
                DataDirectory = Path.Combine(state, "azurite-data"),
                BlobPort = 10000,
                QueuePort = 10001,
                TablePort = 10002,
                Log = Log.Info,
            },
            cancellationToken);
        _owned.Add(azurite);
        return azurite.ConnectionString;
    }

    /// <summary>
    /// Settings that say UseDevelopmentStorage=true mean "the local Azurite": point them at the one in use. The
    /// Service Bus connections keep the value: to DevHost it means "queues emulated on that Azurite".
    /// </summary>
    private Dictionary<string, string> DevelopmentStorageOverrides(string connectionString)
    {
        var serviceBusConnections = App.Functions
            .SelectMany(f => f.Outputs.OfType<ServiceBusOutputBinding>().Select(o => o.Connection)
                .Concat(f.Trigger is ServiceBusTriggerBinding t ? [t.Connection] : []))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Settings.Values)
        {
            if (ServiceBusEmulation.IsEmulated(value) && !serviceBusConnections.Contains(key))
            {
                overrides[key] = connectionString;
            }
        }

        return overrides;
    }

    private async Task StartHttpAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, Options.HttpPort);
            kestrel.Limits.MaxRequestBodySize = 100 * 1024 * 1024;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<RouteOptions>(_ => { });
        var web = builder.Build();

        foreach (var function in App.Functions.Where(f => !IsDisabled(f)))
        {
            if (function.Trigger is HttpTriggerBinding http)
            {
                var pattern = "/" + string.Join('/', new[] { App.Host.RoutePrefix, http.Route }.Where(p => p.Length > 0));
                var endpoint = http.Methods.Count == 0
                    ? web.Map(pattern, context => ServeHttpAsync(function, http, context))
                    : web.MapMethods(pattern, http.Methods, context => ServeHttpAsync(function, http, context));
                endpoint.WithDisplayName(function.Name);
            }
        }

        web.MapGet("/admin/host/status", context => WriteJsonAsync(context, 200, new JsonObject { ["state"] = "Running", ["version"] = HandlerInvoker.HostVersion }));
        web.MapPost("/admin/functions/{name}", AdminInvokeAsync);
        web.MapGet("/admin/devhost/queues", AdminQueuesAsync);
        web.MapGet("/admin/devhost/queues/{name}/deadletter", AdminDeadLettersAsync);
        web.MapPost("/admin/devhost/queues/{name}/messages", AdminSendAsync);

        await web.StartAsync(cancellationToken);
        _web = web;
        var address = web.Urls.FirstOrDefault() ?? $"http://127.0.0.1:{Options.HttpPort}";
        var port = new Uri(address).Port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    private async Task ServeHttpAsync(FunctionDefinition function, HttpTriggerBinding binding, HttpContext context)
    {
        if (!Authorized(binding.AuthLevel, context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var routeValues = context.Request.RouteValues
            .Where(v => v.Value is not null)
            .ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture)!, StringComparer.OrdinalIgnoreCase);
        var (request, metadata) = await HttpTriggerPayload.BuildAsync(context, routeValues, context.RequestAborted);
        var outcome = await Invoker.InvokeAsync(function, new JsonObject { [binding.Name] = request }, metadata, context.RequestAborted);
        if (outcome.Succeeded)
        {
            var outputFailure = await WriteQueueOutputsAsync(function, outcome.Outputs, context.RequestAborted);
            if (outputFailure is null && function.HttpOutput is { } httpOutput && outcome.Outputs[httpOutput.Name] is { } response)
            {
                try
                {
                    await HttpOutputWriter.WriteAsync(context.Response, response, context.RequestAborted);
                    return;
                }
                catch (InvalidOperationException ex)
                {
                    outcome = outcome with { Succeeded = false, Failure = ex.Message };
                }
            }
            else
            {
                outcome = outcome with { Succeeded = false, Failure = outputFailure ?? $"the function returned no '{function.HttpOutput?.Name}' output" };
            }
        }

        Log.Error($"{function.Name} failed: {outcome.Failure}");
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
    }

    private async Task<string?> InvokeServiceBusAsync(FunctionDefinition function, ServiceBusTriggerBinding trigger, ReceivedMessage message, CancellationToken cancellationToken)
    {
        var enqueued = message.Stored.EnqueuedTimeUtc;
        var metadata = new JsonObject
        {
            ["DeliveryCount"] = HostPayload.EncodeNumber(message.DeliveryCount),
            ["LockToken"] = HostPayload.EncodeString(message.LockToken),
            ["ExpiresAtUtc"] = HostPayload.EncodeDateTime(enqueued.AddDays(14)),
            ["ExpiresAt"] = HostPayload.EncodeDateTimeOffset(enqueued.AddDays(14)),
            ["EnqueuedTimeUtc"] = HostPayload.EncodeDateTime(enqueued),
            ["EnqueuedTime"] = HostPayload.EncodeDateTimeOffset(enqueued),
            ["MessageId"] = HostPayload.EncodeString(message.Stored.MessageId),
            ["SequenceNumber"] = HostPayload.EncodeNumber(message.Stored.SequenceNumber),
            ["ApplicationProperties"] = new JsonObject(),
            ["UserProperties"] = new JsonObject(),
            ["MessageActions"] = new JsonObject(),
            ["Client"] = new JsonObject(),
        };
        if (message.Stored.ContentType is { } contentType)
        {
            metadata["ContentType"] = HostPayload.EncodeString(contentType);
        }

        var data = new JsonObject { [trigger.Name] = HostPayload.EncodeString(message.Body) };
        var outcome = await Invoker.InvokeAsync(function, data, metadata, cancellationToken);
        if (!outcome.Succeeded)
        {
            return outcome.Failure;
        }

        return await WriteQueueOutputsAsync(function, outcome.Outputs, cancellationToken);
    }

    private async Task<string?> InvokeTimerAsync(FunctionDefinition function, JsonObject payload, CancellationToken cancellationToken)
    {
        var data = new JsonObject { [function.Trigger.Name] = payload };
        var outcome = await Invoker.InvokeAsync(function, data, [], cancellationToken);
        return outcome.Succeeded ? await WriteQueueOutputsAsync(function, outcome.Outputs, cancellationToken) : outcome.Failure;
    }

    /// <summary>Writes the serviceBus outputs; all messages are checked before any is sent.</summary>
    private async Task<string?> WriteQueueOutputsAsync(FunctionDefinition function, JsonObject outputs, CancellationToken cancellationToken)
    {
        var pending = new List<(string Queue, string Body)>();
        foreach (var output in function.Outputs.OfType<ServiceBusOutputBinding>())
        {
            if (!outputs.TryGetPropertyValue(output.Name, out var value))
            {
                continue; // keys are case-sensitive; a missing key writes nothing
            }

            foreach (var body in OutputConverter.ToMessages(value, output.Binary))
            {
                if (Encoding.UTF8.GetByteCount(body) > EmulatedServiceBus.MaxMessageBytes)
                {
                    return $"Output '{output.Name}': a message exceeds Service Bus's {EmulatedServiceBus.MaxMessageBytes} bytes.";
                }

                pending.Add((output.QueueName, body));
            }
        }

        // Sent together, as the host's Service Bus output flushes an invocation's messages as a batch (their order
        // carries no meaning); one after the other, a tick's few large messages would each wait their turn on Azurite.
        await Task.WhenAll(pending.Select(p => ServiceBus.SendAsync(p.Queue, p.Body, "text/plain", cancellationToken)));

        return null;
    }

    private bool Authorized(AuthLevel level, HttpRequest request)
    {
        if (level == AuthLevel.Anonymous)
        {
            return true;
        }

        var key = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        return KeyEquals(key, MasterKey) || (level == AuthLevel.Function && KeyEquals(key, FunctionKey));
    }

    private static bool KeyEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private async Task AdminInvokeAsync(HttpContext context, string name)
    {
        if (!Authorized(AuthLevel.Admin, context.Request))
        {
            context.Response.StatusCode = 401;
            return;
        }

        var function = App.Functions.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (function is null || function.Trigger is HttpTriggerBinding)
        {
            context.Response.StatusCode = 404;
            return;
        }

        string input = string.Empty;
        if (context.Request.ContentLength > 0)
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            input = body?["input"]?.GetValue<string>() ?? string.Empty;
        }

        context.Response.StatusCode = 202;
        _ = Task.Run(async () =>
        {
            var failure = function.Trigger switch
            {
                TimerTriggerBinding => await RunTimerAsync(function.Name, _stopping.Token),
                ServiceBusTriggerBinding trigger => await InvokeServiceBusAsync(function, trigger, new ReceivedMessage(
                    new StoredMessage { MessageId = Guid.NewGuid().ToString("N"), SequenceNumber = 0, EnqueuedTimeUtc = DateTimeOffset.UtcNow, Body = input },
                    input, 1, Guid.NewGuid().ToString()), _stopping.Token),
                _ => null,
            };
            if (failure is not null)
            {
                Log.Error($"Manual run of {function.Name} failed: {failure}");
            }
        });
    }

    private async Task AdminQueuesAsync(HttpContext context)
    {
        if (!Authorized(AuthLevel.Admin, context.Request))
        {
            context.Response.StatusCode = 401;
            return;
        }

        var queues = new JsonArray();
        foreach (var queue in App.QueueNames)
        {
            var properties = ServiceBus.PropertiesOf(queue);
            queues.Add(new JsonObject
            {
                ["name"] = queue,
                ["active"] = await ServiceBus.GetActiveCountAsync(queue, context.RequestAborted),
                ["deadLetter"] = await ServiceBus.GetDeadLetterCountAsync(queue, context.RequestAborted),
                ["maxDeliveryCount"] = properties.MaxDeliveryCount,
                ["lockDuration"] = properties.LockDuration.ToString(),
            });
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["queues"] = queues });
    }

    private async Task AdminDeadLettersAsync(HttpContext context, string name)
    {
        if (!Authorized(AuthLevel.Admin, context.Request))
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (!App.QueueNames.Contains(name, StringComparer.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var messages = await ServiceBus.PeekDeadLettersAsync(name, context.RequestAborted);
        var array = new JsonArray([.. messages.Select(m => (JsonNode?)new JsonObject
        {
            ["messageId"] = m.Stored.MessageId,
            ["deadLetterReason"] = m.Stored.DeadLetterReason,
            ["deadLetterErrorDescription"] = m.Stored.DeadLetterErrorDescription,
            ["deliveryCount"] = m.Stored.DeliveryCount,
            ["enqueuedTimeUtc"] = m.Stored.EnqueuedTimeUtc,
            ["deadLetteredAt"] = m.Stored.DeadLetteredAt,
            ["body"] = m.Body,
        })]);
        await WriteJsonAsync(context, 200, new JsonObject { ["queue"] = name, ["messages"] = array });
    }

    private async Task AdminSendAsync(HttpContext context, string name)
    {
        if (!Authorized(AuthLevel.Admin, context.Request))
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (!App.QueueNames.Contains(name, StringComparer.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var id = await ServiceBus.SendAsync(name, body, context.Request.ContentType ?? "text/plain", context.RequestAborted);
        await WriteJsonAsync(context, 202, new JsonObject { ["messageId"] = id });
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private void PrintBanner()
    {
        var lines = new StringBuilder();
        lines.AppendLine("Vigil is running locally.");
        lines.AppendLine($"  Handler   {Handler.ExecutablePath} (pid {Handler.ProcessId}, port {Handler.Port}, ready in {Handler.LastStartupTime.TotalMilliseconds:F0} ms)");
        lines.AppendLine($"  Storage   {Storage.TableEndpoint} (tables), {Storage.QueueEndpoint} (emulated Service Bus queues)");
        lines.AppendLine("  Functions");
        foreach (var function in App.Functions)
        {
            var description = function.Trigger switch
            {
                HttpTriggerBinding http => $"{(http.Methods.Count == 0 ? "ANY" : string.Join(',', http.Methods))} {BaseAddress}{App.Host.RoutePrefix}/{http.Route}  [{http.AuthLevel.ToString().ToLowerInvariant()}]",
                TimerTriggerBinding => $"timer {_schedules[function.Name].Expression}",
                ServiceBusTriggerBinding sb => $"queue {sb.QueueName}",
                _ => string.Empty,
            };
            lines.AppendLine($"    {function.Name,-28} {description}");
        }

        lines.AppendLine($"  Keys      function key: {FunctionKey}   master (admin) key: {MasterKey}");
        lines.AppendLine("            send as the x-functions-key header or ?code=; local keys only, from the settings file.");
        if (IngestKey is not null)
        {
            lines.AppendLine($"  Ingest    key: {IngestKey}   (local, from {IngestKeyImporter.KeySetting}; send as Authorization: Bearer <key>)");
            lines.AppendLine($"            curl -H 'Authorization: Bearer {IngestKey}' -H 'Content-Type: text/plain' --data-binary 'demo,host=laptop load=0.5' {BaseAddress}api/metrics");
        }

        lines.AppendLine($"  Try       curl {BaseAddress}api/health");
        lines.Append("  Ctrl+C stops DevHost, the handler and the Azurite it started.");
        Log.Info(lines.ToString());
    }

    private static string RandomKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
}
