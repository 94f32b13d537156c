using Vigil.DevHost.Azurite;
using Vigil.Storage;
using Vigil.Storage.Blobs;
using Vigil.Storage.Queues;
using Vigil.Storage.Tables;
using Xunit;

namespace Vigil.Testing;

/// <summary>
/// One Azurite per test run (use it as an <see cref="ICollectionFixture{TFixture}"/>): in-memory, on free loopback
/// ports, installed once into &lt;repo&gt;/.vigil/azurite. If Azurite cannot be installed or started but one
/// is already running on the default ports 10000-10002, the fixture uses that one instead.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private static int _nameCounter;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..6];
    private AzuriteLauncher? _launcher;
    private string? _connectionString;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Azurite has not started.");

    public StorageConnection StorageConnection { get; private set; } = null!;

    public static string InstallDirectory => Path.Combine(RepoPaths.StateDirectory, "azurite");

    public async Task InitializeAsync()
    {
        try
        {
            _launcher = await AzuriteLauncher.StartAsync(
                new AzuriteLaunchOptions
                {
                    InstallDirectory = InstallDirectory,
                    Log = line => Console.Error.WriteLine($"[azurite] {line}"),
                },
                CancellationToken.None);
            _connectionString = _launcher.ConnectionString;
        }
        catch (AzuriteException ex)
        {
            if (!await AzuriteLauncher.IsListeningAsync(
                    AzuriteLauncher.DefaultBlobPort, AzuriteLauncher.DefaultQueuePort, AzuriteLauncher.DefaultTablePort))
            {
                throw;
            }

            Console.Error.WriteLine($"[azurite] {ex.Message} Using the Azurite already running on ports 10000-10002.");
            _connectionString = "UseDevelopmentStorage=true";
        }

        StorageConnection = StorageConnection.Parse(_connectionString);
    }

    public async Task DisposeAsync()
    {
        if (_launcher is not null)
        {
            await _launcher.DisposeAsync();
        }
    }

    /// <summary>
    /// A name unique to this run and call, valid for a table, a queue and a blob container alike
    /// (lower-case letters and digits, starting with a letter, at most 63 characters).
    /// </summary>
    public string UniqueName(string prefix = "t")
    {
        if (prefix.Length is 0 or > 40 || !char.IsAsciiLetterLower(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit) ||
            prefix.Any(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException("The prefix must be 1-40 lower-case letters or digits, starting with a letter.", nameof(prefix));
        }

        return $"{prefix}{_runId}n{Interlocked.Increment(ref _nameCounter)}";
    }

    /// <summary>A new, empty table with a unique name.</summary>
    public async Task<TableClient> CreateTableAsync(string prefix = "t")
    {
        var table = StorageConnection.CreateTableServiceClient().GetTableClient(UniqueName(prefix));
        await table.CreateIfNotExistsAsync();
        return table;
    }

    /// <summary>A new, empty queue with a unique name.</summary>
    public async Task<QueueClient> CreateQueueAsync(string prefix = "q")
    {
        var queue = StorageConnection.CreateQueueServiceClient().GetQueueClient(UniqueName(prefix));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    /// <summary>A new, empty blob container with a unique name.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(string prefix = "c")
    {
        var container = StorageConnection.CreateBlobServiceClient().GetBlobContainerClient(UniqueName(prefix));
        await container.CreateIfNotExistsAsync();
        return container;
    }
}
