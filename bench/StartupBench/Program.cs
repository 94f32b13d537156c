using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.StartupBench;

/// <summary>
/// Starts a published handler N times the way the Functions host does (executable from host.json,
/// FUNCTIONS_CUSTOMHANDLER_PORT, the app settings as environment variables) and measures process start to the
/// first 200 on <c>GET /</c>, polling every millisecond. Prints median, p95, min and max per variant.
///
///   dotnet run -c Release --project bench/StartupBench -- --app NAME=DIR [--app NAME=DIR ...] [--runs 30]
///       [--settings local.settings.sample.json] [--env NAME=VALUE ...]
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var apps = new List<(string Name, string Root, Dictionary<string, string> Env)>();
        var runs = 30;
        var warmup = 3;
        string? settingsFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--app":
                    var (name, dir) = Split(args[++i]);
                    apps.Add((name, Path.GetFullPath(dir), new Dictionary<string, string>(StringComparer.Ordinal)));
                    break;
                case "--env":
                    var (key, value) = Split(args[++i]);
                    apps[^1].Env[key] = value; // applies to the --app before it
                    break;
                case "--runs":
                    runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--settings":
                    settingsFile = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        if (apps.Count == 0)
        {
            Console.Error.WriteLine("usage: --app NAME=DIR [--env NAME=VALUE] ... [--runs N] [--warmup N] [--settings FILE]");
            return 2;
        }

        var settings = LoadSettings(settingsFile);
        Console.WriteLine($"{Environment.ProcessorCount} cores, load average {LoadAverage()}, {runs} starts per variant (round robin) after {warmup} warm-up rounds");
        Console.WriteLine("| variant | median ms | p95 ms | min ms | max ms | median CPU ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        // Round robin: every round starts each variant once, so load that drifts during the run (shared
        // machines) falls on all variants alike.
        var results = apps.Select(_ => (Wall: new List<double>(), Cpu: new List<double>())).ToList();
        for (var round = 0; round < warmup + runs; round++)
        {
            for (var v = 0; v < apps.Count; v++)
            {
                var (_, root, env) = apps[v];
                var (wall, cpuMs) = await StartOnceAsync(ReadExecutable(root), root, settings, env);
                if (round >= warmup)
                {
                    results[v].Wall.Add(wall);
                    results[v].Cpu.Add(cpuMs);
                }
            }
        }

        for (var v = 0; v < apps.Count; v++)
        {
            var (wallSamples, cpu) = results[v];
            wallSamples.Sort();
            cpu.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {apps[v].Name} | {Percentile(wallSamples, 0.5):F0} | {Percentile(wallSamples, 0.95):F0} | {wallSamples[0]:F0} | {wallSamples[^1]:F0} | {Percentile(cpu, 0.5):F0} |"));
        }

        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>Wall time from process start to the first 200, and the CPU time the handler used until then.</summary>
    private static async Task<(double WallMs, double CpuMs)> StartOnceAsync(string executable, string root, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string> env)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["FUNCTIONS_APP_ROOT_PATH"] = root;

        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        var uri = new Uri($"http://127.0.0.1:{port}/");
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{executable} exited with {process.ExitCode} before answering");
                }

                try
                {
                    using var response = await client.GetAsync(uri);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var wall = stopwatch.Elapsed.TotalMilliseconds;
                        process.Refresh();
                        return (wall, process.TotalProcessorTime.TotalMilliseconds);
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (stopwatch.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"{executable} did not answer GET / within 30 s");
                }

                await Task.Delay(1);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string ReadExecutable(string root)
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "host.json")))!;
        return Path.Combine(root, host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
    }

    private static Dictionary<string, string> LoadSettings(string? file)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file is null)
        {
            return result;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(file));
        foreach (var property in document.RootElement.GetProperty("Values").EnumerateObject())
        {
            result[property.Name] = property.Value.ToString();
        }

        return result;
    }

    private static (string, string) Split(string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        return eq <= 0 ? throw new ArgumentException($"expected NAME=VALUE, got '{pair}'") : (pair[..eq], pair[(eq + 1)..]);
    }

    private static double Percentile(List<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
