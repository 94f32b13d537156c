using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.DevHost.Azurite;

/// <summary>
/// Runs Azurite (Blob, Queue, Table) on loopback for local runs and tests: installs the pinned version with npm
/// when needed, starts it, waits until its three ports accept connections, and kills its process tree on dispose.
/// </summary>
public sealed class AzuriteLauncher : IAsyncDisposable
{
    /// <summary>The Azurite version we install and test against.</summary>
    public const string Version = "3.37.0";

    public const int DefaultBlobPort = 10000;
    public const int DefaultQueuePort = 10001;
    public const int DefaultTablePort = 10002;

    private const string AccountName = "devstoreaccount1";

    // The emulator's documented, public key: not a secret.
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int PortAttempts = 3;

    private static readonly HttpClient ProbeClient = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly Process _process;
    private readonly bool _graceful;
    private readonly string? _deleteOnDispose;

    private AzuriteLauncher(Process process, bool graceful, string? deleteOnDispose, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _graceful = graceful;
        _deleteOnDispose = deleteOnDispose;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>An explicit-endpoint connection string for this instance (devstoreaccount1, its well-known key).</summary>
    public string ConnectionString { get; }

    /// <summary>Installs (if needed) and starts Azurite; returns once all three services answer.</summary>
    public static async Task<AzuriteLauncher> StartAsync(AzuriteLaunchOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        await AzuriteInstaller.EnsureInstalledAsync(options, ct);

        int[] requested = [options.BlobPort, options.QueuePort, options.TablePort];
        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = ChoosePorts(options);
            var output = new OutputTail(options.Log);
            var process = Start(options, blob, queue, table, output);
            try
            {
                await WaitUntilListeningAsync(process, output, options.StartTimeout, [blob, queue, table], ct);
                options.Log?.Invoke($"Azurite {Version} is listening on 127.0.0.1 ports {blob} (blob), {queue} (queue), {table} (table).");
                var throwAway = options.DeleteDataOnDispose ? options.DataDirectory : null;
                return new AzuriteLauncher(process, options.DataDirectory is not null && throwAway is null, throwAway, blob, queue, table);
            }
            catch (AzuriteException) when (attempt < PortAttempts && output.Contains("EADDRINUSE") &&
                !requested.Any(port => port != 0 && output.Contains($"address already in use 127.0.0.1:{Invariant(port)}")))
            {
                // Another process took one of the ports we picked between our probe and Azurite's bind: pick again.
                await StopAsync(process);
            }
            catch
            {
                await StopAsync(process);
                throw;
            }
        }
    }

    /// <summary>
    /// True when Azurite answers on all three ports (an instance someone already started on 10000-10002, say):
    /// each port must answer HTTP with Azurite's Server header, not merely accept a connection.
    /// </summary>
    public static async Task<bool> IsListeningAsync(int blobPort, int queuePort, int tablePort) =>
        await AllAnswerAsAzuriteAsync([blobPort, queuePort, tablePort], CancellationToken.None);

    /// <summary>
    /// Stops Azurite: gracefully first when it keeps a data directory (so it saves), then kills its process tree; a
    /// throw-away data directory (<see cref="AzuriteLaunchOptions.DeleteDataOnDispose"/>) is deleted afterwards.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(_process, _graceful);
        if (_deleteOnDispose is not null && Directory.Exists(_deleteOnDispose))
        {
            Directory.Delete(_deleteOnDispose, recursive: true);
        }
    }

    private static (int Blob, int Queue, int Table) ChoosePorts(AzuriteLaunchOptions options)
    {
        // Hold all probe listeners at once so the three free ports differ.
        var listeners = new List<TcpListener>();
        try
        {
            int Pick(int requested)
            {
                if (requested != 0)
                {
                    return requested;
                }

                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
                return ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            return (Pick(options.BlobPort), Pick(options.QueuePort), Pick(options.TablePort));
        }
        finally
        {
            listeners.ForEach(listener => listener.Dispose());
        }
    }

    private static Process Start(AzuriteLaunchOptions options, int blob, int queue, int table, OutputTail output)
    {
        var installDirectory = Path.GetFullPath(options.InstallDirectory);
        var startInfo = new ProcessStartInfo(AzuriteInstaller.ExecutablePath(installDirectory))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = options.DataDirectory ?? installDirectory,
        };
        string[] arguments =
        [
            "--silent", "--disableTelemetry", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", Invariant(blob), "--queuePort", Invariant(queue), "--tablePort", Invariant(table),
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (options.DataDirectory is null)
        {
            startInfo.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(options.DataDirectory);
            startInfo.ArgumentList.Add("--location");
            startInfo.ArgumentList.Add(Path.GetFullPath(options.DataDirectory));
        }

        try
        {
            var process = Process.Start(startInfo) ?? throw new AzuriteException("Azurite did not start.");
            output.Attach(process);
            return process;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new AzuriteException(
                $"Could not run {startInfo.FileName}: is Node.js 20+ on PATH? Or start Azurite yourself on ports 10000-10002.", ex);
        }
    }

    private static async Task WaitUntilListeningAsync(
        Process process,
        OutputTail output,
        TimeSpan timeout,
        int[] ports,
        CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(ct); // drain the output
                throw new AzuriteException($"Azurite exited with code {process.ExitCode} before listening.{output.Describe()}");
            }

            // A port can accept connections for someone else (a squatter Azurite then fails to displace):
            // only Azurite's own answer on every port, from a process still alive, counts.
            if (await AllAnswerAsAzuriteAsync(ports, ct) && !process.HasExited)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new AzuriteException(
                    $"Azurite did not listen on ports {string.Join(", ", ports)} within {timeout}.{output.Describe()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private static async Task<bool> AllAnswerAsAzuriteAsync(int[] ports, CancellationToken ct)
    {
        var answers = await Task.WhenAll(ports.Select(port => AnswersAsAzuriteAsync(port, ct)));
        return answers.All(ok => ok);
    }

    private static async Task<bool> AnswersAsAzuriteAsync(int port, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{Invariant(port)}/"));
        request.Headers.ConnectionClose = true; // no idle keep-alive connection to delay Azurite's shutdown
        try
        {
            using var response = await ProbeClient.SendAsync(request, ct);
            return response.Headers.Server.ToString().StartsWith("Azurite", StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false; // the probe's own timeout
        }
    }

    private static async Task StopAsync(Process process, bool graceful = false)
    {
        using (process)
        {
            try
            {
                if (graceful && !OperatingSystem.IsWindows() && !process.HasExited && await SignalTerminateAsync(process.Id))
                {
                    // Azurite saves its databases on SIGTERM; give it a moment before the hard kill.
                    await WaitForExitAsync(process, TimeSpan.FromSeconds(10));
                }

                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await WaitForExitAsync(process, TimeSpan.FromSeconds(10));
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    private static async Task WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // Not gone in time: the caller escalates or gives up.
        }
    }

    // .NET can only SIGKILL; the kill command sends SIGTERM without P/Invoke.
    private static async Task<bool> SignalTerminateAsync(int processId)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Invariant(processId)]) { UseShellExecute = false });
            if (kill is null)
            {
                return false;
            }

            await kill.WaitForExitAsync();
            return kill.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
