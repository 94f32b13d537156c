using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Alerts;

[Collection(AzuriteCollection.Name)]
public sealed class ConfigStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly ConfigStore _store;

    public ConfigStoreTests(AzuriteFixture azurite) => _store = new ConfigStore(new VigilTables(azurite.StorageConnection.CreateTableServiceClient()));

    [Fact]
    public async Task SaveAsync_LargeDocument_RoundTripsAcrossChunksWithTheNextVersion()
    {
        var current = await _store.GetAsync(CancellationToken.None);
        var document = "# " + new string('x', 100_000) + "\nrules: []\n";

        var saved = await _store.SaveAsync(document, [], current, T0, CancellationToken.None);
        var read = await _store.GetAsync(CancellationToken.None);

        Assert.Equal(document, read!.Document);
        Assert.Equal((current?.Version ?? 0) + 1, read.Version);
        Assert.Equal(ConfigStore.Hash(document), read.Sha256);
        Assert.Equal(T0, read.AppliedAt);
        Assert.Equal(saved.Version, await _store.GetVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_StaleVersion_ConflictsAndKeepsTheWinner()
    {
        var current = await _store.GetAsync(CancellationToken.None);
        var winner = await _store.SaveAsync("rules: [] # winner\n", [], current, T0, CancellationToken.None);

        await Assert.ThrowsAsync<TableConflictException>(() => _store.SaveAsync("rules: [] # loser\n", [], current, T0, CancellationToken.None));

        Assert.Equal(winner.Version, (await _store.GetAsync(CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task SaveAsync_RuleSince_CarriedForKeptRulesAndNowForNewOnes()
    {
        var current = await _store.GetAsync(CancellationToken.None);
        var first = await _store.SaveAsync("rules: [] # v1\n", ["Kept", "Dropped"], current, T0, CancellationToken.None);
        var second = await _store.SaveAsync("rules: [] # v2\n", ["Kept", "New"], first, T0.AddHours(2), CancellationToken.None);
        var read = (await _store.GetAsync(CancellationToken.None))!;

        Assert.Equal(second.Version, read.Version);
        Assert.Equal(T0, read.WatchingSince("Kept"));
        Assert.Equal(T0.AddHours(2), read.WatchingSince("New"));
        Assert.Equal(["Kept", "New"], read.RuleSince!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(read.AppliedAt, read.WatchingSince("Unknown")); // not in the map: since the document was applied

        var readded = await _store.SaveAsync("rules: [] # v3\n", ["Kept", "New", "Dropped"], read, T0.AddHours(3), CancellationToken.None);
        Assert.Equal(T0.AddHours(3), readded.WatchingSince("Dropped")); // removed and added again: a new start
    }
}
