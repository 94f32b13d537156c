using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Vigil.DevHost.Azurite;

/// <summary>
/// Installs the pinned Azurite with npm into a shared folder. Concurrent installers (two test processes, say)
/// serialise on an exclusively opened lock file; the loser finds the winner's install and skips its own.
/// </summary>
internal static class AzuriteInstaller
{
    public static string ExecutablePath(string installDirectory) =>
        Path.Combine(installDirectory, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");

    public static bool IsInstalled(string installDirectory)
    {
        var packageJson = Path.Combine(installDirectory, "node_modules", "azurite", "package.json");
        if (!File.Exists(ExecutablePath(installDirectory)) || !File.Exists(packageJson))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(packageJson));
            return document.RootElement.TryGetProperty("version", out var version) &&
                version.GetString() == AzuriteLauncher.Version;
        }
        catch (JsonException)
        {
            return false; // a half-written install: reinstall
        }
    }

    public static async Task EnsureInstalledAsync(AzuriteLaunchOptions options, CancellationToken ct)
    {
        var directory = Path.GetFullPath(options.InstallDirectory);

        // Without the lock, trust only the marker written after a complete install: while another process's npm
        // is still extracting, the executable and package.json can exist before the rest of the packages do.
        var marker = Path.Combine(directory, $".installed-{AzuriteLauncher.Version}");
        if (File.Exists(marker) && IsInstalled(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        await using var installLock = await AcquireLockAsync(Path.Combine(directory, ".install.lock"), options, ct);
        if (IsInstalled(directory))
        {
            // Installed by another process while we waited, or by hand with npm.
            await File.WriteAllTextAsync(marker, AzuriteLauncher.Version, ct);
            return;
        }

        options.Log?.Invoke($"Installing Azurite {AzuriteLauncher.Version} into {directory} (npm, about 40 s)...");
        await RunNpmAsync(directory, options, ct);
        if (!IsInstalled(directory))
        {
            throw new AzuriteException(
                $"npm finished but {ExecutablePath(directory)} (Azurite {AzuriteLauncher.Version}) is missing. " +
                $"Delete {directory} and try again, or start Azurite yourself on ports 10000-10002.");
        }

        await File.WriteAllTextAsync(marker, AzuriteLauncher.Version, ct);
    }

    // FileShare.None is an exclusive lock across processes (flock on Unix). The file stays: deleting it
    // would let a waiter lock an unlinked file while a newcomer locks a fresh one.
    private static async Task<FileStream> AcquireLockAsync(string path, AzuriteLaunchOptions options, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + options.InstallTimeout;
        var announced = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!announced)
                {
                    options.Log?.Invoke($"Waiting for another process installing Azurite ({path})...");
                    announced = true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
            catch (IOException ex)
            {
                throw new AzuriteException(
                    $"Timed out after {options.InstallTimeout} waiting for the Azurite install lock {path}. " +
                    "If no other install is running, delete the file and try again.", ex);
            }
        }
    }

    private static async Task RunNpmAsync(string directory, AzuriteLaunchOptions options, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(options.NpmCommand)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
                 {
                     "install", $"azurite@{AzuriteLauncher.Version}", "--prefix", directory,
                     "--no-audit", "--no-fund", "--loglevel=error",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new OutputTail(options.Log);
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new Win32Exception("npm did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new AzuriteException(
                $"npm ('{options.NpmCommand}') was not found, so Azurite cannot be installed. Install Node.js 20 or later (it brings npm), " +
                "or start Azurite yourself on ports 10000 (blob), 10001 (queue) and 10002 (table).", ex);
        }

        using (process)
        {
            output.Attach(process);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.InstallTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                ct.ThrowIfCancellationRequested();
                throw new AzuriteException(
                    $"npm install azurite@{AzuriteLauncher.Version} did not finish within {options.InstallTimeout}. " +
                    $"Check access to the npm registry.{output.Describe()}");
            }

            if (process.ExitCode != 0)
            {
                throw new AzuriteException(
                    $"npm install azurite@{AzuriteLauncher.Version} failed with exit code {process.ExitCode}. " +
                    "Check that Node.js 20+ and npm work and that the npm registry is reachable, or start Azurite " +
                    $"yourself on ports 10000-10002.{output.Describe()}");
            }
        }
    }
}
