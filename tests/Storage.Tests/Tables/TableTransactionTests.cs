using Azure;
using Vigil.Storage.Tables;
using Vigil.Storage.Tests.Support;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableTransactionTests(AzuriteFixture azurite)
{
    private static async Task<List<TableEntity>> AllAsync(TableClient table)
    {
        var all = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync())
        {
            all.Add(entity);
        }

        return all;
    }

    [Fact]
    public async Task SubmitTransactionAsync_EveryActionType_AppliesAllAndReturnsOneResponseEach()
    {
        var table = await azurite.CreateTableAsync();
        foreach (var key in new[] { "merge", "replace", "upsertmerge", "upsertreplace", "delete" })
        {
            await table.AddEntityAsync(new TableEntity("p", key) { ["A"] = 1, ["B"] = "old" });
        }

        var mergeETag = (await table.GetEntityIfExistsAsync("p", "merge")).Value!.ETag;
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "add") { ["A"] = 10L, ["When"] = DateTimeOffset.UnixEpoch }),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "merge") { ["A"] = 2 }, mergeETag),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "replace") { ["A"] = 3 }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "upsertmerge") { ["C"] = true }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "upsertreplace") { ["C"] = true }),
            new(TableTransactionActionType.Delete, new TableEntity("p", "delete")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "newbyupsert") { ["D"] = 4.5 }),
        ];

        var response = await table.SubmitTransactionAsync(actions);

        Assert.Equal(202, response.GetRawResponse().Status);
        Assert.Equal(actions.Length, response.Value.Count);
        Assert.All(response.Value, r => Assert.InRange(r.Status, 200, 299));
        Assert.All(response.Value.Take(5), r => Assert.NotNull(r.Headers.ETag));
        var byKey = (await AllAsync(table)).ToDictionary(e => e.RowKey);
        Assert.Equal(10L, byKey["add"].GetInt64("A"));
        Assert.Equal(DateTimeOffset.UnixEpoch, byKey["add"].GetDateTimeOffset("When"));
        Assert.Equal((2, "old"), (byKey["merge"].GetInt32("A"), byKey["merge"].GetString("B")));
        Assert.False(byKey["replace"].ContainsKey("B"));
        Assert.Equal(("old", true), (byKey["upsertmerge"].GetString("B"), byKey["upsertmerge"].GetBoolean("C")));
        Assert.False(byKey["upsertreplace"].ContainsKey("B"));
        Assert.False(byKey.ContainsKey("delete"));
        Assert.Equal(4.5, byKey["newbyupsert"].GetDouble("D"));
    }

    [Fact]
    public async Task SubmitTransactionAsync_ActionFails_ReportsItsIndexAndAppliesNothing()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "exists"));

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "first")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "second")),
            new(TableTransactionActionType.Add, new TableEntity("p", "exists")),
            new(TableTransactionActionType.Add, new TableEntity("p", "fourth")),
        ]));

        Assert.Equal(2, error.FailedTransactionActionIndex);
        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.True(error.IsConflict);
        Assert.Contains("action 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(["exists"], (await AllAsync(table)).Select(e => e.RowKey));
    }

    [Fact]
    public async Task SubmitTransactionAsync_StaleETag_Fails412AtThatAction()
    {
        var table = await azurite.CreateTableAsync();
        var added = await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["N"] = 2 });

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "other")),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "r") { ["N"] = 3 }, added.Headers.ETag!.Value),
        ]));

        Assert.Equal(1, error.FailedTransactionActionIndex);
        Assert.Equal(412, error.Status);
        Assert.Equal("UpdateConditionNotSatisfied", error.ErrorCode);
        Assert.Equal(2, (await table.GetEntityIfExistsAsync("p", "r")).Value!.GetInt32("N"));
        Assert.False((await table.GetEntityIfExistsAsync("p", "other")).HasValue);
    }

    [Fact]
    public async Task SubmitTransactionAsync_100Actions_Succeeds()
    {
        var table = await azurite.CreateTableAsync();

        var response = await table.SubmitTransactionAsync(Enumerable.Range(0, 100)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"{i:D3}"))));

        Assert.Equal(100, response.Value.Count);
        Assert.Equal(100, (await AllAsync(table)).Count);
    }

    [Fact]
    public async Task SubmitTransactionAsync_101Actions_RejectedBeforeSending()
    {
        var table = await azurite.CreateTableAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(Enumerable.Range(0, 101)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"{i:D3}")))));

        Assert.Contains("1 to 100", error.Message, StringComparison.Ordinal);
        Assert.Empty(await AllAsync(table));
    }

    [Fact]
    public async Task SubmitTransactionAsync_NoActions_RejectedBeforeSending()
    {
        var table = await azurite.CreateTableAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([]));
    }

    [Fact]
    public async Task SubmitTransactionAsync_MixedPartitions_RejectedBeforeSending()
    {
        // Azurite would accept this batch; the real service would not, so the client must refuse it.
        var table = await azurite.CreateTableAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p1", "a")),
            new(TableTransactionActionType.Add, new TableEntity("p2", "b")),
        ]));

        Assert.Contains("PartitionKey", error.Message, StringComparison.Ordinal);
        Assert.Empty(await AllAsync(table));
    }

    [Fact]
    public async Task SubmitTransactionAsync_DuplicateRowKey_RejectedBeforeSending()
    {
        var table = await azurite.CreateTableAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "b")),
            new(TableTransactionActionType.Delete, new TableEntity("p", "a")),
        ]));

        Assert.Contains("RowKey 'a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("action 2", error.Message, StringComparison.Ordinal);
        Assert.Empty(await AllAsync(table));
    }

    [Fact]
    public async Task SubmitTransactionAsync_AwkwardKeys_Work()
    {
        var table = await azurite.CreateTableAsync();
        const string partition = "it's a (partition) ü";

        await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity(partition, "o'row 1")),
            new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "row & 2")),
        ]);
        await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Delete, new TableEntity(partition, "o'row 1")),
            new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, "row & 2") { ["X"] = 1 }, ETag.All),
        ]);

        var all = await AllAsync(table);
        Assert.Equal(["row & 2"], all.Select(e => e.RowKey));
        Assert.Equal(1, all[0].GetInt32("X"));
    }
}
