using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Vigil.DevHost.AppRoot;
using Vigil.DevHost.Settings;

namespace Vigil.DevHost.Handler;

/// <summary>
/// Starts and keeps the custom handler running as the Functions host does: executable and arguments from
/// host.json, app settings as environment variables plus FUNCTIONS_CUSTOMHANDLER_PORT / _WORKER_ID and
/// FUNCTIONS_APP_ROOT_PATH, readiness by polling <c>GET /</c> every 25 ms for up to 30 s, and a restart when
/// the process exits (three crashes within 30 minutes stop DevHost, as they stop the host).
/// </summary>
public sealed class HandlerProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CrashWindow = TimeSpan.FromMinutes(30);
    private const int MaxCrashesInWindow = 3;

    private readonly FunctionAppDefinition _app;
    private readonly LocalSettings _settings;
    private readonly DevHostLog _log;
    private readonly SemaphoreSlim _restartGate = new(1, 1);
    private readonly List<DateTimeOffset> _crashes = [];
    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private HttpClient? _client;
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HandlerProcess(FunctionAppDefinition app, LocalSettings settings, DevHostLog log)
    {
        _app = app;
        _settings = settings;
        _log = log;
    }

    /// <summary>Raised when the handler crashed too often; DevHost stops.</summary>
    public event Action<string>? Fatal;

    public int Port { get; private set; }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Time from process start to the first answer on <c>GET /</c>, for the last start.</summary>
    public TimeSpan LastStartupTime { get; private set; }

    public int Starts { get; private set; }

    public string ExecutablePath => ResolveExecutable();

    /// <summary>The client for invocations, once the handler is ready (waits across a restart).</summary>
    public async Task<HttpClient> GetClientAsync(CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        return _client!;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _restartGate.WaitAsync(cancellationToken);
        try
        {
            await StartCoreAsync(cancellationToken);
        }
        finally
        {
            _restartGate.Release();
        }
    }

    /// <summary>Kills the handler (as a crash would); it is restarted unless DevHost is stopping.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            _log.Info($"Killing handler pid {process.Id}");
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Restarts the handler (the host does this when a function times out).</summary>
    public async Task RestartAsync(string reason, CancellationToken cancellationToken)
    {
        await _restartGate.WaitAsync(cancellationToken);
        try
        {
            _log.Info($"Restarting handler: {reason}");
            StopCore();
            await StartCoreAsync(cancellationToken);
        }
        finally
        {
            _restartGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        StopCore();
        _restartGate.Dispose();
        _stopping.Dispose();
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Port = FreePort();
        var executable = ResolveExecutable();
        var workingDirectory = string.IsNullOrEmpty(_app.Host.WorkingDirectory)
            ? _app.ScriptRoot
            : Path.GetFullPath(Path.Combine(_app.ScriptRoot, _settings.Expand(_app.Host.WorkingDirectory)));
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };

        // Arguments: elements joined with single spaces, %NAME% expanded, unresolved tokens removed (no quoting).
        var arguments = string.Join(' ', _app.Host.Arguments.Select(_settings.Expand)).Trim();
        if (arguments.Length > 0)
        {
            start.Arguments = arguments;
        }

        foreach (var (key, value) in _settings.Values)
        {
            start.Environment[key] = value;
        }

        var workerId = Guid.NewGuid().ToString();
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FUNCTIONS_HTTPWORKER_PORT"] = start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"];
        start.Environment["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = workerId;
        start.Environment["FUNCTIONS_HTTPWORKER_ID"] = workerId;
        start.Environment["FUNCTIONS_APP_ROOT_PATH"] = _app.ScriptRoot;
        start.Environment["AzureWebJobsScriptRoot"] = _app.ScriptRoot;
        start.Environment["ASPNETCORE_URLS"] = null;
        start.Environment["DOTNET_URLS"] = null;

        var stopwatch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start the handler {executable}: {ex.Message}. Is the file there and executable (chmod +x)?", ex);
        }

        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _log.Handler(e.Data, isError: false); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _log.Handler(e.Data, isError: true); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.Exited += (_, _) => OnExited(process);
        _process = process;
        Starts++;

        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{Port}/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartupTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                client.Dispose();
                throw new InvalidOperationException($"The handler {executable} exited with code {process.ExitCode} before it answered GET / (see its log lines above).");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/", UriKind.Relative), deadline.Token);
                break; // any HTTP answer counts, even a 404
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                client.Dispose();
                throw new TimeoutException($"The handler did not answer GET / on port {Port} within {StartupTimeout.TotalSeconds:F0} s.");
            }

            await Task.Delay(25, deadline.Token);
        }

        LastStartupTime = stopwatch.Elapsed;
        var previous = _client;
        _client = client;
        previous?.Dispose();
        _log.Info($"Handler ready: pid {process.Id}, port {Port}, {LastStartupTime.TotalMilliseconds:F0} ms after start");
        _ready.TrySetResult();
    }

    private void OnExited(Process process)
    {
        if (_stopping.IsCancellationRequested || !ReferenceEquals(process, _process))
        {
            return;
        }

        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var now = DateTimeOffset.UtcNow;
        int exitCode;
        try
        {
            exitCode = process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            exitCode = -1;
        }

        lock (_crashes)
        {
            _crashes.RemoveAll(c => now - c > CrashWindow);
            _crashes.Add(now);
            if (_crashes.Count >= MaxCrashesInWindow && !AllowUnlimitedRestarts)
            {
                _log.Error($"The handler exited (code {exitCode}) {_crashes.Count} times within {CrashWindow.TotalMinutes:F0} minutes; stopping, as the Functions host does.");
                Fatal?.Invoke("handler crashed too often");
                return;
            }
        }

        _log.Error($"The handler exited unexpectedly (code {exitCode}); restarting it.");
        _ = Task.Run(async () =>
        {
            try
            {
                await StartAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.Error($"Restarting the handler failed: {ex.Message}");
                Fatal?.Invoke("handler restart failed");
            }
        });
    }

    /// <summary>Tests that kill the handler on purpose lift the host's three-crash limit.</summary>
    public bool AllowUnlimitedRestarts { get; set; }

    private void StopCore()
    {
        var process = _process;
        _process = null;
        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (process is { HasExited: false })
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
        }

        process?.Dispose();
    }

    private string ResolveExecutable()
    {
        var configured = _settings.Expand(_app.Host.DefaultExecutablePath);
        var candidate = Path.GetFullPath(Path.Combine(_app.ScriptRoot, configured));
        if (File.Exists(candidate))
        {
            return candidate;
        }

        // A name not found as a file is looked up on PATH (e.g. "dotnet").
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var onPath = Path.Combine(directory, configured);
            if (File.Exists(onPath))
            {
                return onPath;
            }
        }

        throw new FunctionAppDefinitionException(Path.Combine(_app.ScriptRoot, "host.json"), $"customHandler.description.defaultExecutablePath '{configured}' is neither a file under the script root nor on PATH");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
