using System.Diagnostics;
using Vigil.Testing;

namespace Vigil.Deployment.Tests.Package;

/// <summary>
/// The output of the package command (eng/package.sh), made once per test run into a temporary folder: the
/// published function app root and its zip. Every package test shares it (composite ReadyToRun compilation takes minutes on a loaded 2-core machine).
/// </summary>
public sealed class PublishedPackage
{
    private static readonly Lazy<Task<PublishedPackage>> Once = new(CreateAsync);

    private PublishedPackage(string appRoot, string zipFile, string log)
    {
        AppRoot = appRoot;
        ZipFile = zipFile;
        Log = log;
    }

    /// <summary>The published folder (a function app root).</summary>
    public string AppRoot { get; }

    /// <summary>The zip Flex Consumption deploys.</summary>
    public string ZipFile { get; }

    /// <summary>What the package command printed.</summary>
    public string Log { get; }

    public static Task<PublishedPackage> GetAsync() => Once.Value;

    private static async Task<PublishedPackage> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"vigil-package-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        };

        var appRoot = Path.Combine(directory, "app");
        var zipFile = Path.Combine(directory, "vigil.zip");
        var script = Path.Combine(RepoPaths.RepoRoot, "eng", "package.sh");
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { script, "--output", appRoot, "--zip", zipFile },
            WorkingDirectory = RepoPaths.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(14));
        await process.WaitForExitAsync(timeout.Token);
        var log = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"eng/package.sh failed with exit code {process.ExitCode}:{Environment.NewLine}{log}");
        }

        return new PublishedPackage(appRoot, zipFile, log);
    }
}
