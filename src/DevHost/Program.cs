using System.Runtime.InteropServices;
using Vigil.DevHost.AppRoot;
using Vigil.DevHost.Azurite;

namespace Vigil.DevHost;

/// <summary>DevHost's command line: parse options, start, wait for Ctrl+C or a fatal handler failure.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        DevHostOptions options;
        try
        {
            options = DevHostOptions.Parse(args);
        }
        catch (HelpRequestedException)
        {
            Console.WriteLine(DevHostOptions.Usage);
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(DevHostOptions.Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        DevHostApp host;
        try
        {
            host = await DevHostApp.StartAsync(options, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception ex) when (ex is FunctionAppDefinitionException or AzuriteException or InvalidOperationException or FileNotFoundException or TimeoutException)
        {
            Console.Error.WriteLine($"DevHost cannot start: {ex.Message}");
            return 1;
        }

        await using (host)
        {
            var stopped = Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => "stopped", TaskScheduler.Default);
            var reason = await await Task.WhenAny(stopped, host.Fatal);
            Console.WriteLine(reason == "stopped" ? "Stopping DevHost..." : $"DevHost stops: {reason}");
            return reason == "stopped" ? 0 : 1;
        }
    }
}
