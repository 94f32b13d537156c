using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Vigil.DevHost.Azurite;
using Vigil.Storage.Tests.Support;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Azurite;

/// <summary>
/// The launcher itself. In the Azurite collection so the fixture has installed Azurite into
/// &lt;repo&gt;/.vigil/azurite before these run.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteLauncherTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("vigil-azurite-test-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task StartAsync_FreePorts_ListensAndStopsOnDispose()
    {
        var log = new ConcurrentQueue<string>();
        int[] ports;
        await using (var launcher = await AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions { InstallDirectory = AzuriteFixture.InstallDirectory, Log = log.Enqueue },
            CancellationToken.None))
        {
            ports = [launcher.BlobPort, launcher.QueuePort, launcher.TablePort];
            Assert.Equal(3, ports.Distinct().Count());
            Assert.True(await AzuriteLauncher.IsListeningAsync(launcher.BlobPort, launcher.QueuePort, launcher.TablePort));
            Assert.Contains($"TableEndpoint=http://127.0.0.1:{launcher.TablePort}/devstoreaccount1;", launcher.ConnectionString, StringComparison.Ordinal);

            // The connection string works end to end.
            var table = StorageConnection.Parse(launcher.ConnectionString).CreateTableServiceClient().GetTableClient("launcher");
            Assert.Equal(204, (await table.CreateIfNotExistsAsync()).Status);
        }

        Assert.False(await AzuriteLauncher.IsListeningAsync(ports[0], ports[1], ports[2]));
        Assert.DoesNotContain(log, line => line.StartsWith("Installing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_DataDirectory_PersistsAcrossRestarts()
    {
        var data = Path.Combine(_scratch, "data");
        var options = new AzuriteLaunchOptions { InstallDirectory = AzuriteFixture.InstallDirectory, DataDirectory = data };

        await using (var first = await AzuriteLauncher.StartAsync(options, CancellationToken.None))
        {
            var queue = StorageConnection.Parse(first.ConnectionString).CreateQueueServiceClient().GetQueueClient("kept");
            await queue.CreateIfNotExistsAsync();
            await queue.SendMessageAsync("survives a restart");
        }

        await using var second = await AzuriteLauncher.StartAsync(options, CancellationToken.None);
        var again = StorageConnection.Parse(second.ConnectionString).CreateQueueServiceClient().GetQueueClient("kept");
        Assert.Equal("survives a restart", Assert.Single((await again.PeekMessagesAsync(1)).Value).MessageText);
    }

    [Fact]
    public async Task DisposeAsync_DeleteDataOnDispose_RemovesTheThrowAwayDataDirectoryAfterUse()
    {
        var data = Path.Combine(_scratch, "throw-away");
        await using (var launcher = await AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions { InstallDirectory = AzuriteFixture.InstallDirectory, DataDirectory = data, DeleteDataOnDispose = true },
            CancellationToken.None))
        {
            var queue = StorageConnection.Parse(launcher.ConnectionString).CreateQueueServiceClient().GetQueueClient("scratch");
            await queue.CreateIfNotExistsAsync();
            await queue.SendMessageAsync("kept on disk while running");
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(data)); // on disk, not in memory
        }

        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task StartAsync_PortTaken_ThrowsWithAzuritesStderr()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<AzuriteException>(() => AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions { InstallDirectory = AzuriteFixture.InstallDirectory, TablePort = taken, BlobPort = 0, QueuePort = 0 },
            CancellationToken.None));

        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
        Assert.Contains("EADDRINUSE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NpmMissing_ThrowsWithAdvice()
    {
        var error = await Assert.ThrowsAsync<AzuriteException>(() => AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions { InstallDirectory = Path.Combine(_scratch, "install"), NpmCommand = Path.Combine(_scratch, "no-npm-here") },
            CancellationToken.None));

        Assert.Contains("Node.js 20", error.Message, StringComparison.Ordinal);
        Assert.Contains("10000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NpmFails_ThrowsWithExitCodeAndOutput()
    {
        // "node install azurite@..." fails like an npm that cannot reach the registry: exit code 1, output on stderr.
        var error = await Assert.ThrowsAsync<AzuriteException>(() => AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions { InstallDirectory = Path.Combine(_scratch, "install"), NpmCommand = "node" },
            CancellationToken.None));

        Assert.Contains("exit code 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("registry", error.Message, StringComparison.Ordinal);
        Assert.Contains("Last lines of stderr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_AnotherProcessHoldsInstallLock_WaitsThenUsesItsInstall()
    {
        var install = Path.Combine(_scratch, "install");
        Directory.CreateDirectory(install);
        var log = new ConcurrentQueue<string>();
        Task<AzuriteLauncher> starting;
        using (new FileStream(Path.Combine(install, ".install.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            starting = AzuriteLauncher.StartAsync(
                new AzuriteLaunchOptions { InstallDirectory = install, Log = log.Enqueue, NpmCommand = "npm-must-not-run" },
                CancellationToken.None);
            await WaitUntilAsync(() => log.Any(line => line.StartsWith("Waiting for another process", StringComparison.Ordinal)));

            // The "other process" finishes its install while holding the lock.
            Directory.CreateSymbolicLink(Path.Combine(install, "node_modules"), Path.Combine(AzuriteFixture.InstallDirectory, "node_modules"));
            Assert.False(starting.IsCompleted);
        }

        await using var launcher = await starting;
        Assert.True(await AzuriteLauncher.IsListeningAsync(launcher.BlobPort, launcher.QueuePort, launcher.TablePort));
        Assert.DoesNotContain(log, line => line.StartsWith("Installing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_InstallLockNeverReleased_TimesOutWithAdvice()
    {
        var install = Path.Combine(_scratch, "install");
        Directory.CreateDirectory(install);
        using var held = new FileStream(Path.Combine(install, ".install.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var error = await Assert.ThrowsAsync<AzuriteException>(() => AzuriteLauncher.StartAsync(
            new AzuriteLaunchOptions { InstallDirectory = install, InstallTimeout = TimeSpan.FromSeconds(1) },
            CancellationToken.None));

        Assert.Contains(".install.lock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsListeningAsync_NothingListening_ReturnsFalse()
    {
        var free = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            free.Add(((IPEndPoint)probe.LocalEndpoint).Port);
        }

        Assert.False(await AzuriteLauncher.IsListeningAsync(free[0], free[1], free[2]));
        Assert.NotNull(azurite.ConnectionString);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = TimeSpan.Zero; !condition(); waited += TimeSpan.FromMilliseconds(50))
        {
            Assert.True(waited < TimeSpan.FromSeconds(10), "condition not met within 10 s");
            await Task.Delay(50);
        }
    }
}
