using Azure;
using Vigil.Storage.Tables;
using Vigil.Storage.Tests.Support;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableEntityOperationsTests(AzuriteFixture azurite)
{
    private const string AwkwardKey = "o'brien & co %20+ ünï ✓ (x) \"q\"";

    [Fact]
    public async Task AddEntityAsync_EveryPropertyType_RoundTripsTyped()
    {
        var table = await azurite.CreateTableAsync();
        var when = new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.Zero).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("p", "r")
        {
            ["Text"] = "héllo 'quoted' \"double\" <xml> & ünïcode ✓\r\nline two",
            ["Flag"] = true,
            ["Off"] = false,
            ["Small"] = 42,
            ["Negative"] = int.MinValue,
            ["Big"] = (1L << 53) + 1,
            ["Ratio"] = 2.5,
            ["Whole"] = 3.0,
            ["Tiny"] = double.Epsilon,
            ["When"] = when,
            ["Offset"] = new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.FromHours(2)),
            ["Utc"] = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            ["Id"] = id,
            ["Bytes"] = new byte[] { 0, 1, 2, 254, 255 },
            ["Empty"] = string.Empty,
            ["Missing"] = null,
        };

        var added = await table.AddEntityAsync(entity);
        var read = await table.GetEntityIfExistsAsync("p", "r");

        Assert.Equal(204, added.Status);
        Assert.NotNull(added.Headers.ETag);
        Assert.True(read.HasValue);
        var value = read.Value!;
        Assert.Equal("p", value.PartitionKey);
        Assert.Equal("r", value.RowKey);
        Assert.Equal(entity.GetString("Text"), value.GetString("Text"));
        Assert.True(value.GetBoolean("Flag"));
        Assert.False(value.GetBoolean("Off"));
        Assert.IsType<int>(value["Small"]);
        Assert.Equal(42, value.GetInt32("Small"));
        Assert.Equal(int.MinValue, value.GetInt32("Negative"));
        Assert.IsType<long>(value["Big"]);
        Assert.Equal((1L << 53) + 1, value.GetInt64("Big"));
        Assert.IsType<double>(value["Ratio"]);
        Assert.Equal(2.5, value.GetDouble("Ratio"));
        Assert.IsType<double>(value["Whole"]);
        Assert.Equal(3.0, value.GetDouble("Whole"));
        Assert.Equal(double.Epsilon, value.GetDouble("Tiny"));
        Assert.IsType<DateTimeOffset>(value["When"]);
        Assert.Equal(when, value.GetDateTimeOffset("When"));
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 10, 0, 0, TimeSpan.Zero), value.GetDateTimeOffset("Offset"));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), value.GetDateTimeOffset("Utc"));
        Assert.Equal(id, value.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, value.GetBinary("Bytes"));
        Assert.Equal(string.Empty, value.GetString("Empty"));
        Assert.False(value.ContainsKey("Missing"));
        Assert.NotNull(value.Timestamp);
        Assert.Equal(added.Headers.ETag, value.ETag);
    }

    [Fact]
    public async Task GetEntityIfExistsAsync_MissingEntity_HasNoValue()
    {
        var table = await azurite.CreateTableAsync();

        var result = await table.GetEntityIfExistsAsync("p", "nope");

        Assert.False(result.HasValue);
        Assert.Equal(404, result.GetRawResponse().Status);
        Assert.Throws<InvalidOperationException>(() => result.Value);
    }

    [Fact]
    public async Task GetEntityIfExistsAsync_MissingTable_HasNoValue()
    {
        var table = azurite.StorageConnection.CreateTableServiceClient().GetTableClient(azurite.UniqueName());

        var result = await table.GetEntityIfExistsAsync("p", "r");

        Assert.False(result.HasValue);
    }

    [Fact]
    public async Task GetEntityIfExistsAsync_WithSelect_ReturnsOnlySelectedProperties()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "two", ["C"] = 3.5 });

        var result = await table.GetEntityIfExistsAsync("p", "r", ["A", "C"]);

        Assert.Equal(1, result.Value!.GetInt32("A"));
        Assert.Equal(3.5, result.Value.GetDouble("C"));
        Assert.False(result.Value.ContainsKey("B"));
    }

    [Fact]
    public async Task AddEntityAsync_ExistingEntity_ThrowsConflict409()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));

        var error = await Assert.ThrowsAsync<TableConflictException>(() => table.AddEntityAsync(new TableEntity("p", "r")));

        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task AddEntityAsync_MissingTable_Throws404WithTableNotFound()
    {
        var table = azurite.StorageConnection.CreateTableServiceClient().GetTableClient(azurite.UniqueName());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r")));

        Assert.IsNotType<TableConflictException>(error);
        Assert.Equal(404, error.Status);
        Assert.Equal("TableNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task UpdateEntityAsync_CurrentETag_UpdatesAndReturnsNewETag()
    {
        var table = await azurite.CreateTableAsync();
        var added = await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });

        var updated = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["N"] = 2 }, added.Headers.ETag!.Value);

        var read = await table.GetEntityIfExistsAsync("p", "r");
        Assert.Equal(2, read.Value!.GetInt32("N"));
        Assert.NotEqual(added.Headers.ETag, updated.Headers.ETag);
        Assert.Equal(updated.Headers.ETag, read.Value.ETag);
    }

    [Fact]
    public async Task UpdateEntityAsync_StaleETag_ThrowsConflict412()
    {
        var table = await azurite.CreateTableAsync();
        var first = await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        await table.UpdateEntityAsync(new TableEntity("p", "r") { ["N"] = 2 }, first.Headers.ETag!.Value);

        var error = await Assert.ThrowsAsync<TableConflictException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "r") { ["N"] = 3 }, first.Headers.ETag!.Value));

        Assert.Equal(412, error.Status);
        Assert.Equal("UpdateConditionNotSatisfied", error.ErrorCode);
        Assert.Equal(2, (await table.GetEntityIfExistsAsync("p", "r")).Value!.GetInt32("N"));
    }

    [Fact]
    public async Task UpdateEntityAsync_ETagAll_UpdatesUnconditionally()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });

        await table.UpdateEntityAsync(new TableEntity("p", "r") { ["N"] = 5 }, ETag.All, TableUpdateMode.Replace);

        Assert.Equal(5, (await table.GetEntityIfExistsAsync("p", "r")).Value!.GetInt32("N"));
    }

    [Fact]
    public async Task UpdateEntityAsync_MissingEntity_Throws404NotConflict()
    {
        var table = await azurite.CreateTableAsync();

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "nope"), ETag.All));

        Assert.IsNotType<TableConflictException>(error);
        Assert.Equal(404, error.Status);
        Assert.Equal("ResourceNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task UpdateEntityAsync_DefaultETag_ThrowsArgumentException()
    {
        var table = await azurite.CreateTableAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => table.UpdateEntityAsync(new TableEntity("p", "r"), default));
    }

    [Fact]
    public async Task UpdateEntityAsync_Merge_KeepsOtherPropertiesWhileReplaceDropsThem()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "merge") { ["A"] = 1, ["B"] = 2 });
        await table.AddEntityAsync(new TableEntity("p", "replace") { ["A"] = 1, ["B"] = 2 });

        await table.UpdateEntityAsync(new TableEntity("p", "merge") { ["A"] = 10 }, ETag.All, TableUpdateMode.Merge);
        await table.UpdateEntityAsync(new TableEntity("p", "replace") { ["A"] = 10 }, ETag.All, TableUpdateMode.Replace);

        var merged = (await table.GetEntityIfExistsAsync("p", "merge")).Value!;
        var replaced = (await table.GetEntityIfExistsAsync("p", "replace")).Value!;
        Assert.Equal((10, 2), (merged.GetInt32("A"), merged.GetInt32("B")));
        Assert.Equal(10, replaced.GetInt32("A"));
        Assert.False(replaced.ContainsKey("B"));
    }

    [Fact]
    public async Task UpsertEntityAsync_Merge_KeepsOtherProperties()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "keep" });

        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 2, ["C"] = true });

        var read = (await table.GetEntityIfExistsAsync("p", "r")).Value!;
        Assert.Equal(2, read.GetInt32("A"));
        Assert.Equal("keep", read.GetString("B"));
        Assert.True(read.GetBoolean("C"));
    }

    [Fact]
    public async Task UpsertEntityAsync_Replace_DropsOtherProperties()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "gone" });

        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 2 }, TableUpdateMode.Replace);

        var read = (await table.GetEntityIfExistsAsync("p", "r")).Value!;
        Assert.Equal(2, read.GetInt32("A"));
        Assert.False(read.ContainsKey("B"));
    }

    [Theory]
    [InlineData(TableUpdateMode.Merge)]
    [InlineData(TableUpdateMode.Replace)]
    public async Task UpsertEntityAsync_MissingEntity_Inserts(TableUpdateMode mode)
    {
        var table = await azurite.CreateTableAsync();

        await table.UpsertEntityAsync(new TableEntity("p", "new") { ["A"] = 7 }, mode);

        Assert.Equal(7, (await table.GetEntityIfExistsAsync("p", "new")).Value!.GetInt32("A"));
    }

    [Fact]
    public async Task DeleteEntityAsync_ExistingEntity_RemovesIt()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));

        var response = await table.DeleteEntityAsync("p", "r");

        Assert.Equal(204, response.Status);
        Assert.False((await table.GetEntityIfExistsAsync("p", "r")).HasValue);
    }

    [Fact]
    public async Task DeleteEntityAsync_MissingEntity_IsNotAnError()
    {
        var table = await azurite.CreateTableAsync();

        var response = await table.DeleteEntityAsync("p", "never");

        Assert.Equal(404, response.Status);
    }

    [Fact]
    public async Task DeleteEntityAsync_StaleETag_ThrowsConflict412()
    {
        var table = await azurite.CreateTableAsync();
        var first = await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["N"] = 2 });

        var error = await Assert.ThrowsAsync<TableConflictException>(() => table.DeleteEntityAsync("p", "r", first.Headers.ETag!.Value));

        Assert.Equal(412, error.Status);
        Assert.True((await table.GetEntityIfExistsAsync("p", "r")).HasValue);
    }

    [Fact]
    public async Task DeleteEntityAsync_CurrentETag_Deletes()
    {
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));
        var current = (await table.GetEntityIfExistsAsync("p", "r")).Value!;

        await table.DeleteEntityAsync("p", "r", current.ETag);

        Assert.False((await table.GetEntityIfExistsAsync("p", "r")).HasValue);
    }

    [Fact]
    public async Task EntityOperations_KeysWithQuotesSpacesAndUnicode_Work()
    {
        var table = await azurite.CreateTableAsync();

        await table.AddEntityAsync(new TableEntity(AwkwardKey, AwkwardKey) { ["N"] = 1 });
        var read = await table.GetEntityIfExistsAsync(AwkwardKey, AwkwardKey);
        await table.UpdateEntityAsync(new TableEntity(AwkwardKey, AwkwardKey) { ["N"] = 2 }, read.Value!.ETag);
        var updated = await table.GetEntityIfExistsAsync(AwkwardKey, AwkwardKey);
        await table.DeleteEntityAsync(AwkwardKey, AwkwardKey, updated.Value!.ETag);

        Assert.Equal(AwkwardKey, read.Value.PartitionKey);
        Assert.Equal(AwkwardKey, read.Value.RowKey);
        Assert.Equal(2, updated.Value.GetInt32("N"));
        Assert.False((await table.GetEntityIfExistsAsync(AwkwardKey, AwkwardKey)).HasValue);
    }

    [Fact]
    public async Task CreateTableIfNotExistsAsync_Twice_IsNotAnError()
    {
        var service = azurite.StorageConnection.CreateTableServiceClient();
        var name = azurite.UniqueName();

        var first = await service.CreateTableIfNotExistsAsync(name);
        var second = await service.CreateTableIfNotExistsAsync(name);

        Assert.Equal(204, first.Status);
        Assert.Equal(409, second.Status);
    }

    [Fact]
    public async Task DeleteTableAsync_ExistingTable_RemovesItAndMissingTableIsNotAnError()
    {
        var service = azurite.StorageConnection.CreateTableServiceClient();
        var name = azurite.UniqueName();
        await service.CreateTableIfNotExistsAsync(name);

        var deleted = await service.DeleteTableAsync(name);
        var again = await service.DeleteTableAsync(name);

        Assert.Equal(204, deleted.Status);
        Assert.Equal(404, again.Status);
        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => service.GetTableClient(name).AddEntityAsync(new TableEntity("p", "r")));
        Assert.Equal(404, error.Status);
    }
}
