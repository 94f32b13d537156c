namespace Vigil.DevHost.Azurite;

/// <summary>How to install and start Azurite.</summary>
public sealed class AzuriteLaunchOptions
{
    /// <summary>Folder that receives <c>npm install azurite@3.37.0 --prefix</c> (shared across runs; guarded by a lock file).</summary>
    public required string InstallDirectory { get; init; }

    /// <summary>Where Azurite keeps its data; null for <c>--inMemoryPersistence</c> (gone when the process ends).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Deletes <see cref="DataDirectory"/> when the instance is disposed (a fresh, throw-away store on disk, for
    /// benchmarks: on disk, not in memory, because Azurite's in-memory queue store keeps every message as its own
    /// extent and its 60 s queue GC then removes them one by one, stalling Azurite for seconds under load).
    /// </summary>
    public bool DeleteDataOnDispose { get; init; }

    /// <summary>Blob port; 0 picks a free loopback port.</summary>
    public int BlobPort { get; init; }

    /// <summary>Queue port; 0 picks a free loopback port.</summary>
    public int QueuePort { get; init; }

    /// <summary>Table port; 0 picks a free loopback port.</summary>
    public int TablePort { get; init; }

    /// <summary>Receives progress and Azurite's own output, one line per call.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The npm executable used for the install (found on PATH by default).</summary>
    public string NpmCommand { get; init; } = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";

    /// <summary>How long to wait for all three ports to accept connections.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for another process's install (the lock file) and for npm itself.</summary>
    public TimeSpan InstallTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
