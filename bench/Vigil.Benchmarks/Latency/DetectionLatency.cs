using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.DevHost;
using Vigil.DevHost.Azurite;
using Vigil.Storage.Emulation;

namespace Vigil.Benchmarks.Latency;

/// <summary>
/// Detection latency through DevHost on Azurite (a load harness, not BenchmarkDotNet): from the start of the POST of a
/// sample that breaches (or clears) a rule without <c>for</c> to the alert event's arrival on the <c>alert-events</c>
/// queue (its enqueue time as DevHost's emulated Service Bus stamps it). Targets: p50 under 300 ms, p99 under 1 s.
/// <code>dotnet run -c Release --project bench/Vigil.Benchmarks -- detection-latency [iterations]</code>
/// Each iteration posts a breaching sample (firing) then a clearing one (resolved): two measured transitions.
/// The harness starts its own Azurite (in memory, free ports), never DevHost's default one on 10000-10002: that one
/// keeps the alert's state between runs (a run stopped between "firing" and "resolved" leaves the alert firing, so
/// the next run's breaching sample is no transition and no event ever comes) and may be shared with another
/// DevHost whose evaluator and router take the harness's messages.
/// </summary>
public static class DetectionLatency
{
    private const string Rule = "DetectionLatencyProbe";
    private const string Metric = "detection_latency_probe";
    private const string Never = "0 0 0 1 1 *"; // a six-field schedule that does not fire during a run

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var iterations = args.Count > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var config = Path.Combine(Path.GetTempPath(), $"vigil-latency-{Environment.ProcessId}.yaml");
        await File.WriteAllTextAsync(config, $"""
            rules:
              - name: {Rule}
                metric: {Metric}
                aggregate: last
                window: 1m
                thresholds: {"{"} critical: "> 100" {"}"}
                flapping: {"{"} changes: 0 {"}"}
            """);
        try
        {
            return await MeasureAsync(config, iterations);
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static async Task<int> MeasureAsync(string config, int iterations)
    {
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var azurite = await AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions
            {
                InstallDirectory = Path.Combine(RepositoryLayout.FindRoot() ?? Directory.GetCurrentDirectory(), ".vigil", "azurite"),
                Log = log.Enqueue,
            },
            CancellationToken.None);
        var options = new DevHostOptions { HttpPort = 0, ConfigFile = config, StorageConnectionString = azurite.ConnectionString, Output = log.Enqueue };
        options.SettingOverrides["VIGIL_ALERT_SWEEP_SCHEDULE"] = Never;
        options.SettingOverrides["VIGIL_HEARTBEAT_SCHEDULE"] = Never;
        options.SettingOverrides["VIGIL_PROBES_SCHEDULE"] = Never;
        options.SettingOverrides["AzureWebJobs.RouteAlerts.Disabled"] = "true"; // the harness reads alert-events itself
        await using var host = await DevHostApp.StartAsync(options, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var key = await CreateIngestKeyAsync(client, host.MasterKey);
        var queue = host.Storage.CreateQueueServiceClient().GetQueueClient(ServiceBusEmulation.ActiveQueue("alert-events"));
        await queue.ClearMessagesAsync();

        var latencies = new List<double>();
        var warmup = 5;
        for (var i = 0; i < iterations + warmup; i++)
        {
            foreach (var (value, state) in new[] { (500.0, "firing"), (1.0, "resolved") })
            {
                var started = DateTimeOffset.UtcNow;
                await PostSampleAsync(client, key, value, i);
                DateTimeOffset enqueuedAt;
                try
                {
                    enqueuedAt = await WaitForEventAsync(queue, state, TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException ex)
                {
                    Console.Error.WriteLine(string.Join(Environment.NewLine, log.TakeLast(40)));
                    Console.Error.WriteLine($"GET /api/alerts: {await DescribeAlertsAsync(client, host.FunctionKey)}");
                    Console.Error.WriteLine($"Iteration {i}: {ex.Message}");
                    return 1;
                }

                if (i >= warmup)
                {
                    latencies.Add((enqueuedAt - started).TotalMilliseconds);
                }
            }
        }

        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"detection latency over {latencies.Count} transitions (POST start -> event enqueued on alert-events):"));
        foreach (var (name, q) in new[] { ("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {Percentile(latencies, q):F0} ms"));
        }

        return 0;
    }

    private static async Task<string> DescribeAlertsAsync(HttpClient client, string functionKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/alerts");
        request.Headers.Add("x-functions-key", functionKey);
        using var response = await client.SendAsync(request);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static async Task<string> CreateIngestKeyAsync(HttpClient client, string masterKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest-keys") { Content = new StringContent(JsonSerializer.Serialize(new { source = "latency-harness" }), Encoding.UTF8, "application/json") };
        request.Headers.Add("x-functions-key", masterKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("key").GetString() ?? throw new InvalidOperationException("No key in the answer.");
    }

    /// <summary>
    /// Each iteration writes its own series (label <c>iteration</c>; the rule reads the metric's last sample, whatever the
    /// series): a single breaching sample on a series written rarely, as in production. One series breached and cleared
    /// back to back would be a busy series, which the series store writes at most twice per 10 s bucket.
    /// </summary>
    private static async Task PostSampleAsync(HttpClient client, string key, double value, int iteration)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/metrics")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { samples = new[] { new { metric = Metric, labels = new Dictionary<string, string> { ["iteration"] = iteration.ToString(System.Globalization.CultureInfo.InvariantCulture) }, value, kind = "gauge" } } }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<DateTimeOffset> WaitForEventAsync(Vigil.Storage.Queues.QueueClient queue, string state, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            foreach (var message in (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                using var stored = JsonDocument.Parse(message.MessageText);
                using var alertEvent = JsonDocument.Parse(stored.RootElement.GetProperty("body").GetString()!);
                if (alertEvent.RootElement.GetProperty("rule").GetString() == Rule && alertEvent.RootElement.GetProperty("state").GetString() == state)
                {
                    return stored.RootElement.GetProperty("enqueuedTimeUtc").GetDateTimeOffset();
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"No '{state}' event for {Rule} within {timeout}.");
    }
}
