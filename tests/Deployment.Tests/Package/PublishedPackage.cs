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
        // <repo>/.vigil/test-package/<pid> (git-ignored): a run removes what earlier runs left (their process is gone),
        // so at most one copy per live test process stays on disk.
        var parent = Path.Combine(RepoPaths.StateDirectory, "test-package");
        Directory.CreateDirectory(parent);
        foreach (var stale in Directory.EnumerateDirectories(parent))
        {
            if (!int.TryParse(Path.GetFileName(stale), out var pid) || !IsRunning(pid))
            {
                TryDelete(stale);
            }
        }

        var directory = Path.Combine(parent, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        TryDelete(directory);
        Directory.CreateDirectory(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(directory);

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

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
