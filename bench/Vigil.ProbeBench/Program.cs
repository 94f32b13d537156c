using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.DevHost;
using Vigil.DevHost.Azurite;
using Vigil.Domain.Configuration;
using Vigil.Domain.Health;
using Vigil.Functions.Configuration;
using Vigil.Functions.Probes.Execution;
using Vigil.Functions.Probes.Network;

namespace Vigil.ProbeBench;

/// <summary>
/// How long one RunProbes tick takes for N HTTP probes against local targets (Kestrel on loopback, in this process).
/// <c>runner</c>: the probe runner alone (network, checks, concurrency). <c>devhost</c>: whole ticks of the real
/// RunProbes function in the handler process under DevHost on Azurite, one every <c>--interval</c> seconds (the timer's
/// default 10 s, so the evaluator merges each tick's probe metrics alongside, as in production): configuration read, due-probe selection,
/// the runs, recording every result in Table Storage, metrics and alert outputs. Usage:
/// <c>dotnet run -c Release --project bench/Vigil.ProbeBench -- [--probes 1000] [--ticks 5] [--interval 10] [--targets 4] [--mode both|runner|devhost] [--store disk|memory] [--storage &lt;connection string of an Azurite started elsewhere&gt;]</c>
/// </summary>
public static partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        var probes = Option(args, "--probes", 1000);
        var ticks = Option(args, "--ticks", 5);
        var targetCount = Option(args, "--targets", 4);
        var interval = TimeSpan.FromSeconds(Option(args, "--interval", 10));
        var mode = args.SkipWhile(a => a != "--mode").Skip(1).FirstOrDefault() ?? "both";
        var store = args.SkipWhile(a => a != "--store").Skip(1).FirstOrDefault() ?? "disk";

        await using var targets = await Targets.StartAsync(targetCount);
        var document = Document(probes, targets.Ports);
        Console.WriteLine($"{probes} HTTP probes over {targetCount} local targets; {Environment.ProcessorCount} cores; {RuntimeInfo()}");

        if (mode is "both" or "runner")
        {
            await RunnerAsync(document, ticks);
        }

        if (mode is "both" or "devhost")
        {
            await DevHostAsync(document, ticks, interval, store, args);
        }

        Console.WriteLine($"Target requests served: {targets.Served}");
        return 0;
    }

    private static async Task RunnerAsync(string document, int ticks)
    {
        var config = ConfigReader.Load(document).Config ?? throw new InvalidOperationException("the generated document is invalid");
        var connector = new GuardedConnector(new SystemHostResolver());
        var settings = new SettingsReader(new ConfigurationBuilder().Build());
        var runner = new ProbeRunner(
            [new HttpProbeExecutor(connector), new TcpProbeExecutor(connector), new DnsProbeExecutor(connector), new TlsProbeExecutor(connector)],
            TimeProvider.System,
            settings,
            NullLogger<ProbeRunner>.Instance);
        await runner.RunAsync(config.Probes, CancellationToken.None); // warm-up: JIT, thread pool
        var times = new List<double>();
        for (var i = 0; i < ticks; i++)
        {
            var watch = Stopwatch.StartNew();
            var results = await runner.RunAsync(config.Probes, CancellationToken.None);
            times.Add(watch.Elapsed.TotalMilliseconds);
            var failed = results.Count(r => r?.Status != HealthStatus.Healthy);
            if (failed > 0)
            {
                Console.WriteLine($"  warning: {failed} probes not healthy, first: {results.First(r => r?.Status != HealthStatus.Healthy)?.Error ?? "not started"}");
            }
        }

        Report("runner only (1 tick = every probe once)", times);
    }

    private static async Task DevHostAsync(string document, int ticks, TimeSpan interval, string store, string[] args)
    {
        var tickLines = new List<double>();
        var phases = new List<(double Prepare, double Run, double Record, double Metrics, double Finish)>();
        var options = new DevHostOptions
        {
            HttpPort = 0,
            ConfigFile = "none",
            Output = line =>
            {
                var match = TickLine().Match(line);
                if (match.Success)
                {
                    lock (tickLines)
                    {
                        tickLines.Add(double.Parse(match.Groups["ms"].Value, CultureInfo.InvariantCulture));
                        phases.Add((Ms(match, "prepare"), Ms(match, "run"), Ms(match, "record"), Ms(match, "metrics"), Ms(match, "finish")));
                    }
                }
                else if (line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("fail:", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine(line.Length > 400 ? line[..400] : line);
                }
            },
        };
        if (Environment.GetEnvironmentVariable("PROBEBENCH_DISABLE") is { Length: > 0 } disabled)
        {
            foreach (var function in disabled.Split(','))
            {
                options.SettingOverrides[$"AzureWebJobs.{function}.Disabled"] = "true"; // diagnosis: e.g. EvaluateMetrics
            }
        }

        foreach (var timer in new[] { "VIGIL_PROBES_SCHEDULE", "VIGIL_HEARTBEAT_SCHEDULE", "VIGIL_ALERT_SWEEP_SCHEDULE", "VIGIL_METRICS_RETENTION_SCHEDULE" })
        {
            options.SettingOverrides[timer] = "0 0 0 1 1 *";
        }

        // A fresh Azurite with its data on disk in a throw-away folder, as DevHost runs it but without earlier runs'
        // data (DevHost's own .vigil/azurite-data keeps every earlier run's series, and Azurite rewrites its whole table
        // database every 5 s, so an old store slows every tick). `--store memory` for comparison.
        Console.WriteLine($"Starting Azurite (fresh, {store}), DevHost and the handler...");
        var external = args.SkipWhile(a => a != "--storage").Skip(1).FirstOrDefault(); // an Azurite started elsewhere (profiling)
        await using var azurite = external is not null ? null : await AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions
            {
                InstallDirectory = Path.Combine(RepositoryLayout.FindRoot() ?? Directory.GetCurrentDirectory(), ".vigil", "azurite"),
                DataDirectory = store != "memory" ? Path.Combine(Path.GetTempPath(), "vigil-probebench-" + Guid.NewGuid().ToString("N")[..8]) : null,
                DeleteDataOnDispose = true,
            },
            CancellationToken.None);
        options.StorageConnectionString = external ?? azurite!.ConnectionString;
        await using var host = await DevHostApp.StartAsync(options, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using (var put = new HttpRequestMessage(HttpMethod.Put, "api/config") { Content = new StringContent(document, Encoding.UTF8, "application/yaml") })
        {
            put.Headers.Add("x-functions-key", host.MasterKey);
            using var response = await client.SendAsync(put);
            Console.WriteLine($"PUT /api/config: {(int)response.StatusCode}");
            response.EnsureSuccessStatusCode();
        }

        await host.RunTimerAsync("RunProbes", CancellationToken.None); // warm-up: JIT, tables, first rows
        var outer = new List<double>();
        var depthBeforeTick = new List<double>();
        var lastTickAt = DateTimeOffset.UtcNow;
        for (var i = 0; i < ticks; i++)
        {
            await Task.Delay(interval);
            depthBeforeTick.Add(await host.ServiceBus.GetActiveCountAsync("metrics", CancellationToken.None));
            lastTickAt = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();
            var failure = await host.RunTimerAsync("RunProbes", CancellationToken.None);
            outer.Add(watch.Elapsed.TotalMilliseconds);
            if (failure is not null)
            {
                Console.WriteLine($"  tick failed: {failure}");
            }
        }

        // Did the evaluator keep up? The metrics queue before each tick (the previous tick's messages should be
        // merged by then), how long the last tick's messages take to be merged, and whether every probe's
        // probe_success series carries the last tick's result.
        var drain = Stopwatch.StartNew();
        while (await host.ServiceBus.GetActiveCountAsync("metrics", CancellationToken.None) > 0 && drain.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(100);
        }

        var deadLettered = await host.ServiceBus.GetDeadLetterCountAsync("metrics", CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Metrics queue before each tick: max {depthBeforeTick.Max():F0} messages; the last tick's messages merged {drain.Elapsed.TotalSeconds:F1} s after it ended; dead-lettered: {deadLettered}"));
        using (var seriesRequest = new HttpRequestMessage(HttpMethod.Get, "api/series?metric=probe_success"))
        {
            seriesRequest.Headers.Add("x-functions-key", host.FunctionKey);
            using var response = await client.SendAsync(seriesRequest);
            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var series = json.RootElement.GetProperty("series").EnumerateArray().ToList();
            var fresh = series.Count(s => s.GetProperty("lastSeen").GetDateTimeOffset() >= lastTickAt.AddSeconds(-1));
            Console.WriteLine($"GET /api/series?metric=probe_success: {(int)response.StatusCode}, {series.Count} series, {fresh} with the last tick's result");
        }

        using var status = new HttpRequestMessage(HttpMethod.Get, "api/status");
        status.Headers.Add("x-functions-key", host.FunctionKey);
        using (var response = await client.SendAsync(status))
        {
            var body = await response.Content.ReadAsStringAsync();
            Console.WriteLine($"GET /api/status: {(int)response.StatusCode}, {Regex.Count(body, "\"status\":\"healthy\"")} healthy entries");
        }

        Report("RunProbes tick through DevHost (invocation + output writing)", outer);
        lock (tickLines)
        {
            Report("RunProbes tick inside the handler (its own log line)", tickLines.Skip(1).ToList());
            Report("  of which reading configuration and stored state", phases.Skip(1).Select(p => p.Prepare).ToList());
            Report("  of which running the probes", phases.Skip(1).Select(p => p.Run).ToList());
            Report("  of which recording results in Table Storage", phases.Skip(1).Select(p => p.Record).ToList());
            Report("  of which building metrics messages", phases.Skip(1).Select(p => p.Metrics).ToList());
            Report("  of which heartbeats, components and status rules", phases.Skip(1).Select(p => p.Finish).ToList());
        }
    }

    private static string Document(int probes, IReadOnlyList<int> ports)
    {
        var text = new StringBuilder("probes:\n");
        for (var i = 0; i < probes; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - name: bench-{i:D4}\n")
                .Append(CultureInfo.InvariantCulture, $"    http: {{ url: \"http://127.0.0.1:{ports[i % ports.Count]}/health/{i}\", expectStatus: [200], bodyContains: healthy, maxLatency: 2s }}\n")
                .Append("    every: 10s\n    timeout: 5s\n");
        }

        return text.ToString();
    }

    private static void Report(string what, List<double> millis)
    {
        if (millis.Count == 0)
        {
            Console.WriteLine($"{what}: no measurement");
            return;
        }

        var sorted = millis.Order().ToList();
        var p95 = sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: median {sorted[sorted.Count / 2]:F0} ms, p95 {p95:F0} ms, min {sorted[0]:F0} ms, max {sorted[^1]:F0} ms over {sorted.Count} ticks, {millis.Count(m => m > 5000)} over 5 s"));
    }

    private static string RuntimeInfo() => $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    private static int Option(string[] args, string name, int fallback)
    {
        var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }

    private static double Ms(Match match, string group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Ran (?<ran>\d+) of (?<configured>\d+) probes: .* in (?<ms>[0-9.]+) ms \(reading configuration and state (?<prepare>[0-9.]+) ms, runs (?<run>[0-9.]+) ms, recording (?<record>[0-9.]+) ms, metrics (?<metrics>[0-9.]+) ms, heartbeats, components and status rules (?<finish>[0-9.]+) ms\)")]
    private static partial Regex TickLine();
}

/// <summary>Kestrel on loopback, a few ports, answering /health/{n} with a small JSON body.</summary>
public sealed class Targets : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _served;

    private Targets(WebApplication app, IReadOnlyList<int> ports)
    {
        _app = app;
        Ports = ports;
    }

    public IReadOnlyList<int> Ports { get; }

    public long Served => Interlocked.Read(ref _served);

    public static async Task<Targets> StartAsync(int count)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            for (var i = 0; i < count; i++)
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });
        var app = builder.Build();
        Targets? self = null;
        app.MapGet("/health/{n}", (int n) =>
        {
            Interlocked.Increment(ref self!._served);
            return Results.Text("{\"status\":\"healthy\",\"n\":" + n.ToString(CultureInfo.InvariantCulture) + "}", "application/json");
        });
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a).Port).ToList();
        self = new Targets(app, ports);
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
