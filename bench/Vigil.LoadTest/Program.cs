using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.DevHost;
using Vigil.DevHost.Azurite;

namespace Vigil.LoadTest;

/// <summary>
/// Sustained ingest through DevHost on Azurite: paced POST /api/metrics batches, the evaluator draining the metrics
/// queue, queue depth and handler memory sampled each second, the series store's table operations read from the
/// handler's log. Bounded in time and count; loopback only. Usage:
/// <c>dotnet run -c Release --project bench/Vigil.LoadTest -- [--seconds 60] [--rate 50000] [--batch 1000] [--series 200] [--format json|influx] [--senders 8] [--writes-per-bucket 2] [--storage [--writes-per-bucket 2]</c>lt;connection string of an Azurite started elsewhere[--writes-per-bucket 2]</c>gt;]</c>
/// </summary>
public static partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = LoadOptions.Parse(args);
        var totals = new ConcurrentQueue<string>();
        var devhost = new DevHostOptions
        {
            HttpPort = 0,
            ConfigFile = "none",
            IdlePollLimit = TimeSpan.FromMilliseconds(250),
            Output = line =>
            {
                if (line.Contains("Series store totals", StringComparison.Ordinal))
                {
                    totals.Enqueue(line);
                }
                else if (line.Contains("ERROR", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine(line.Length > 400 ? line[..400] : line);
                }
            },
        };
        devhost.SettingOverrides["VIGIL_HEARTBEAT_SCHEDULE"] = "0 0 0 1 1 *";
        devhost.SettingOverrides["VIGIL_METRICS_RETENTION_SCHEDULE"] = "0 0 0 1 1 *";
        if (options.WritesPerBucket is { } writes)
        {
            devhost.SettingOverrides["VIGIL_METRICS_WRITES_PER_BUCKET"] = writes.ToString(CultureInfo.InvariantCulture);
        }

        var loadAtStart = LoadAverage();
        Console.WriteLine($"Starting Azurite (in memory, fresh), DevHost and the handler... {options}");

        // A fresh Azurite on free ports with its data on disk in a new temporary folder, as DevHost runs it (earlier
        // runs' data would slow it down and skew the figures). Not --inMemoryPersistence: there every queue message is
        // its own extent, and Azurite's queue GC (every 60 s) removes them one by one from an indexed LokiJS collection,
        // rebuilding the index each time, so a minute of 50 messages/s stalls Azurite for 6-9 s (docs/benchmarks.md).
        // --storage runs against an Azurite someone else started (e.g. under node --cpu-prof, to see where it spends).
        await using var azurite = options.Storage is null
            ? await AzuriteLauncher.StartAsync(
                new AzuriteLaunchOptions
                {
                    InstallDirectory = Path.Combine(RepositoryRoot(), ".vigil", "azurite"),
                    DataDirectory = Path.Combine(Path.GetTempPath(), "vigil-loadtest-" + Guid.NewGuid().ToString("N")[..8]),
                    DeleteDataOnDispose = true,
                },
                CancellationToken.None)
            : null;
        devhost.StorageConnectionString = options.Storage ?? azurite!.ConnectionString;
        await using var host = await DevHostApp.StartAsync(devhost, CancellationToken.None);
        var key = host.IngestKey ?? throw new InvalidOperationException("DevHost registered no ingest key (DEVHOST_INGEST_KEY).");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Senders * 2 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // Warm up (JIT, tables, first series) outside the measurement.
        using (var warm = await SendAsync(client, options, -1, DateTimeOffset.UtcNow))
        {
            Console.WriteLine($"Warm-up request: {(int)warm.StatusCode}");
        }

        await DrainAsync(host, TimeSpan.FromSeconds(60));

        var requests = (int)(options.Rate / (double)options.Batch * options.Seconds);
        var interval = TimeSpan.FromSeconds(options.Batch / (double)options.Rate);
        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<int, int>();
        var buckets = new ConcurrentDictionary<(int Series, long Bucket), byte>();
        var next = -1;
        var accepted = 0L;
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;

        var samples = new List<(double T, long Accepted, long Depth, long RssKb)>();
        using var monitorStop = new CancellationTokenSource();
        var monitor = Task.Run(async () =>
        {
            while (!monitorStop.IsCancellationRequested)
            {
                var depth = await host.ServiceBus.GetActiveCountAsync("metrics", CancellationToken.None);
                var rss = host.Handler.ProcessId is { } pid ? ReadRssKb(pid) : 0;
                lock (samples)
                {
                    samples.Add((clock.Elapsed.TotalSeconds, Interlocked.Read(ref accepted), depth, rss));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t={clock.Elapsed.TotalSeconds,5:F0}s accepted={Interlocked.Read(ref accepted),10:N0} queue={depth,5} handler RSS={rss / 1024,5} MB"));
                try
                {
                    await Task.Delay(1000, monitorStop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, options.Senders).Select(_ => Task.Run(async () =>
        {
            int k;
            while ((k = Interlocked.Increment(ref next)) < requests)
            {
                var due = interval * k;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                var sent = Stopwatch.GetTimestamp();
                var now = DateTimeOffset.UtcNow;
                using var response = await SendAsync(client, options, k, now);
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    Interlocked.Add(ref accepted, options.Batch);
                    var bucket = now.ToUnixTimeMilliseconds() / 10_000;
                    for (var i = 0; i < Math.Min(options.Batch, options.Series); i++)
                    {
                        buckets.TryAdd((SeriesOf(options, k, i), bucket), 0);
                    }
                }
            }
        })));
        var sendSeconds = clock.Elapsed.TotalSeconds;
        var depthAtEnd = await host.ServiceBus.GetActiveCountAsync("metrics", CancellationToken.None);
        var drained = await DrainAsync(host, TimeSpan.FromMinutes(5));
        var drainSeconds = clock.Elapsed.TotalSeconds - sendSeconds;
        await monitorStop.CancelAsync();
        await monitor;

        // The store logs its totals at most every 10 s, after a merge: wait, then trigger one merge.
        await Task.Delay(TimeSpan.FromSeconds(11));
        (await SendAsync(client, options with { Batch = 1 }, -2, DateTimeOffset.UtcNow)).Dispose();
        await DrainAsync(host, TimeSpan.FromSeconds(30));
        await Task.Delay(1000);

        var sorted = latencies.Order().ToArray();
        var peakDepth = samples.Max(s => s.Depth);
        var peakRss = samples.Max(s => s.RssKb);
        var meanRss = samples.Average(s => s.RssKb);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Load: {options}; machine: {Environment.ProcessorCount} cores, load average at start {loadAtStart}, at end {LoadAverage()}");
        report.AppendLine(CultureInfo.InvariantCulture, $"Requests: {requests:N0} sent in {sendSeconds:F1} s; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value:N0}"))}");
        report.AppendLine(CultureInfo.InvariantCulture, $"Accepted: {accepted:N0} samples = {accepted / sendSeconds:N0} samples/s (target {options.Rate:N0})");
        report.AppendLine(CultureInfo.InvariantCulture, $"Latency: p50 {Percentile(sorted, 0.5):F1} ms, p95 {Percentile(sorted, 0.95):F1} ms, p99 {Percentile(sorted, 0.99):F1} ms, max {sorted[^1]:F1} ms");
        report.AppendLine(CultureInfo.InvariantCulture, $"Queue 'metrics': peak depth {peakDepth:N0}, {depthAtEnd:N0} when sending stopped, drained {(drained ? $"{drainSeconds:F1} s later" : "NOT within 5 min")}");
        report.AppendLine(CultureInfo.InvariantCulture, $"Handler memory (RSS): peak {peakRss / 1024.0:F0} MB, mean {meanRss / 1024.0:F0} MB");
        if (totals.LastOrDefault() is { } line && TotalsPattern().Match(line) is { Success: true } m)
        {
            long Get(int group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
            var operations = Get(1) + Get(2) + Get(3);
            report.AppendLine(CultureInfo.InvariantCulture, $"Table: {Get(1):N0} range reads, {Get(2):N0} transactions, {Get(3):N0} index writes, {Get(4):N0} ETag conflicts, {Get(6):N0} duplicate contributions skipped");
            report.AppendLine(CultureInfo.InvariantCulture, $"Series x 10 s buckets fed: {buckets.Count:N0}; table operations per series per bucket: {operations / (double)Math.Max(1, buckets.Count):F2}, of which transactions {Get(2) / (double)Math.Max(1, buckets.Count):F2} (includes warm-up)");
        }
        else
        {
            report.AppendLine("Table: the handler logged no 'Series store totals' line.");
        }

        Console.WriteLine();
        Console.WriteLine(report.ToString());
        return statuses.Keys.All(s => s == 202) && drained ? 0 : 1;
    }

    private static int SeriesOf(LoadOptions options, int request, int index) =>
        (int)(((long)Math.Max(0, request) * options.Batch + index) % options.Series);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, LoadOptions options, int request, DateTimeOffset now)
    {
        var body = new StringBuilder(options.Batch * 120);
        var random = new Random(request);
        string contentType;
        if (options.Format == "influx")
        {
            contentType = "text/plain";
            for (var i = 0; i < options.Batch; i++)
            {
                var s = SeriesOf(options, request, i);
                body.Append(CultureInfo.InvariantCulture, $"load_requests,service=svc{s % 20},route=/r{s / 20},instance=i{s % 7} duration={random.NextDouble() * 2:F4},request_id=\"{request}-{i}\"\n");
            }
        }
        else
        {
            contentType = "application/json";
            body.Append("{\"samples\":[");
            for (var i = 0; i < options.Batch; i++)
            {
                var s = SeriesOf(options, request, i);
                body.Append(i == 0 ? string.Empty : ",").Append(CultureInfo.InvariantCulture, $"{{\"metric\":\"load_request_seconds\",\"labels\":{{\"service\":\"svc{s % 20}\",\"route\":\"/r{s / 20}\",\"instance\":\"i{s % 7}\"}},\"value\":{random.NextDouble() * 2:F4}}}");
            }

            body.Append("]}");
        }

        using var content = new StringContent(body.ToString(), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync("api/metrics", content);
    }

    private static async Task<bool> DrainAsync(DevHostApp host, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (await host.ServiceBus.GetActiveCountAsync("metrics", CancellationToken.None) == 0)
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static long ReadRssKb(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Functions.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>The 1-minute load average (other work on the machine skews every figure).</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[(int)Math.Floor(q * (sorted.Length - 1))];

    [GeneratedRegex(@"(\d+) reads, (\d+) transactions, (\d+) index writes, (\d+) conflicts, (\d+) series-buckets written, (\d+) duplicates skipped")]
    private static partial Regex TotalsPattern();
}

public sealed record LoadOptions(int Seconds, int Rate, int Batch, int Series, string Format, int Senders, int? WritesPerBucket = null, string? Storage = null)
{
    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions(60, 50_000, 1_000, 200, "json", 8);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--seconds" => options with { Seconds = Math.Clamp(Int(), 1, 600) },
                "--rate" => options with { Rate = Math.Clamp(Int(), 1, 1_000_000) },
                "--batch" => options with { Batch = Math.Clamp(Int(), 1, 100_000) },
                "--series" => options with { Series = Math.Clamp(Int(), 1, 100_000) },
                "--format" => options with { Format = value == "influx" ? "influx" : "json" },
                "--senders" => options with { Senders = Math.Clamp(Int(), 1, 64) },
                "--writes-per-bucket" => options with { WritesPerBucket = Math.Clamp(Int(), 0, 10) },
                "--storage" => options with { Storage = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return options;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Rate:N0} samples/s in batches of {Batch:N0} ({Format}), {Series:N0} series, {Seconds} s, {Senders} senders, writes per series per bucket {WritesPerBucket?.ToString(CultureInfo.InvariantCulture) ?? "default"}");
}
