using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Testing;
using Vigil.Testing.StandIns;

namespace Vigil.LatencyHarness;

/// <summary>
/// Measures how long a breaching alert takes to reach Slack through DevHost (real handler, Azurite, emulated
/// Service Bus), one alert at a time, each a new group with groupWait 0s:
/// <list type="bullet">
/// <item><c>--mode metric</c> (the target): from the POST of a breaching sample to /api/metrics to the
/// request arriving at the Slack stand-in (ingest, metrics queue, evaluation, alert-events, router, notify-slack,
/// dispatcher). Needs the metrics pipeline (issue "Metrics pipeline").</item>
/// <item><c>--mode event</c>: from putting an alert event on alert-events to the request at Slack (router,
/// channel queue, dispatcher).</item>
/// </list>
/// Usage: dotnet run -c Release --project bench/Vigil.LatencyHarness -- [--mode metric|event] [--count 200]
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var mode = Arg(args, "--mode") ?? "metric";
        var count = int.Parse(Arg(args, "--count") ?? "200", CultureInfo.InvariantCulture);
        const int warmUp = 10;

        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            return await MeasureAsync(azurite, mode, count, warmUp);
        }
        finally
        {
            await azurite.DisposeAsync(); // also on the error paths: the Azurite process would outlive the harness
        }
    }

    private static async Task<int> MeasureAsync(AzuriteFixture azurite, string mode, int count, int warmUp)
    {
        await using var slack = await ReceiverStandIn.StartAsync();
        await using var vigil = await LocalVigil.StartAsync(azurite, options =>
        {
            options.ConfigFile = "none";
            options.Output = null;
            options.SettingOverrides["SLACK_WEBHOOK_URL"] = new Uri(slack.BaseAddress, "services/T/B/bench").ToString();
            options.SettingOverrides["VIGIL_ALERT_SWEEP_SCHEDULE"] = LocalVigil.Never;
        });

        var config = """
            rules:
              - name: BenchLatency
                metric: bench_latency_ms
                aggregate: last
                window: 1m
                groupBy: [service]
                thresholds: { critical: "> 100" }
            receivers:
              - name: bench-slack
                slack: { webhookUrl: "%SLACK_WEBHOOK_URL%" }
                rateLimit: "100/s burst 10"   # the harness sends one alert at a time; Slack's 1/s would measure the limiter
            route:
              receiver: bench-slack
              groupBy: [rule, service]
              groupWait: 0s
              groupInterval: 5m
              repeatInterval: 4h
            """;
        using (var put = LocalVigil.Request(HttpMethod.Put, "api/config", vigil.Host.MasterKey))
        {
            put.Content = new StringContent(config, Encoding.UTF8, "application/yaml");
            using var response = await vigil.Client.SendAsync(put);
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"PUT /api/config: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return 1;
            }
        }

        string? ingestKey = null;
        if (mode == "metric")
        {
            ingestKey = await CreateIngestKeyAsync(vigil);
            if (ingestKey is null)
            {
                Console.Error.WriteLine("POST /api/ingest-keys is not available: the metrics pipeline (issue \"Metrics pipeline\") is not on this branch yet. Use --mode event, or merge main once it has landed.");
                return 2;
            }
        }

        var run = Guid.NewGuid().ToString("N")[..6];
        var latencies = new List<double>();
        for (var i = 0; i < count + warmUp; i++)
        {
            var service = $"b{run}n{i}";
            var started = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            if (mode == "metric")
            {
                using var post = new HttpRequestMessage(HttpMethod.Post, "api/metrics")
                {
                    Content = new StringContent($$"""{"samples":[{"metric":"bench_latency_ms","labels":{"service":"{{service}}"},"value":500}]}""", Encoding.UTF8, "application/json"),
                };
                post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ingestKey);
                using var response = await vigil.Client.SendAsync(post);
                if ((int)response.StatusCode >= 300)
                {
                    Console.Error.WriteLine($"POST /api/metrics: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    return 1;
                }
            }
            else
            {
                await vigil.Host.ServiceBus.SendAsync("alert-events", Event(service, started), "text/plain", CancellationToken.None);
            }

            var request = await WaitAsync(slack, service, TimeSpan.FromSeconds(30));
            if (request is null)
            {
                Console.Error.WriteLine($"Alert {i} ({service}) did not reach Slack within 30 s.");
                return 1;
            }

            if (i >= warmUp)
            {
                latencies.Add((request.ReceivedAt - started).TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {mode} | {latencies.Count} | {Percentile(latencies, 0.50):F0} ms | {Percentile(latencies, 0.90):F0} ms | {Percentile(latencies, 0.99):F0} ms | {latencies[^1]:F0} ms |"));
        return 0;
    }

    private static async Task<ReceivedRequest?> WaitAsync(ReceiverStandIn slack, string service, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (slack.Requests.FirstOrDefault(r => r.Body.Contains(service, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            await Task.Delay(2);
        }

        return null;
    }

    private static async Task<string?> CreateIngestKeyAsync(LocalVigil vigil)
    {
        using var request = LocalVigil.Request(HttpMethod.Post, "api/ingest-keys", vigil.Host.MasterKey);
        request.Content = new StringContent("""{"source":"bench"}""", Encoding.UTF8, "application/json");
        using var response = await vigil.Client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("key", out var key) ? key.GetString() : null;
    }

    private static string Event(string service, DateTimeOffset now)
    {
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(service)))[..16];
        return new JsonObject
        {
            ["schemaVersion"] = 1,
            ["eventId"] = fingerprint + "-1",
            ["rule"] = "BenchLatency",
            ["fingerprint"] = fingerprint,
            ["sequence"] = 1,
            ["transition"] = "firing",
            ["state"] = "firing",
            ["severity"] = "critical",
            ["labels"] = new JsonObject { ["rule"] = "BenchLatency", ["service"] = service, ["severity"] = "critical" },
            ["annotations"] = new JsonObject { ["summary"] = "bench" },
            ["startsAt"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["at"] = now.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString();
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
