using Vigil.Functions.Storage;
using Vigil.Storage.Tables;
using Vigil.Functions.Tests.Alerts;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Storage;

/// <summary>Day partitions and their retention (alert history, delivery attempts) on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DailyPartitionsTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Day3 = new(2026, 11, 21, 0, 30, 0, TimeSpan.Zero);

    [Fact]
    public void For_NewerDays_SortFirst()
    {
        Assert.True(string.CompareOrdinal(DailyPartitions.For(Day3), DailyPartitions.For(Day3.AddDays(-1))) < 0);
        Assert.Equal(DailyPartitions.For(Day3), DailyPartitions.For(Day3.AddHours(23)));
        Assert.Equal(DailyPartitions.For(Day3), DailyPartitions.For(new DateTimeOffset(2026, 11, 21, 2, 0, 0, TimeSpan.FromHours(2)))); // UTC day
    }

    [Fact]
    public async Task PruneAsync_OlderDays_DeletedAndKeptDayUntouched()
    {
        var table = await CreateTableAsync();
        await AddRowsAsync(table, Day3.AddDays(-2), 3);
        await AddRowsAsync(table, Day3.AddDays(-1), 2);
        await AddRowsAsync(table, Day3, 4);

        var deleted = await DailyPartitions.PruneAsync(table, Day3.AddHours(5), 1000, CancellationToken.None);

        Assert.Equal(5, deleted);
        var left = await RowsAsync(table);
        Assert.Equal(4, left.Count);
        Assert.All(left, pk => Assert.Equal(DailyPartitions.For(Day3), pk));
    }

    [Fact]
    public async Task PruneAsync_MaxRows_BoundsOneRunAndTheNextRunFinishes()
    {
        var table = await CreateTableAsync();
        await AddRowsAsync(table, Day3.AddDays(-3), 5);
        await AddRowsAsync(table, Day3, 1);

        Assert.Equal(2, await DailyPartitions.PruneAsync(table, Day3, 2, CancellationToken.None));
        Assert.Equal(4, (await RowsAsync(table)).Count);
        Assert.Equal(3, await DailyPartitions.PruneAsync(table, Day3, 1000, CancellationToken.None));
        Assert.Equal([DailyPartitions.For(Day3)], await RowsAsync(table));
    }

    private async Task<TableClient> CreateTableAsync()
    {
        var table = azurite.StorageConnection.CreateTableServiceClient().GetTableClient("days" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync(CancellationToken.None);
        return table;
    }

    private static async Task AddRowsAsync(TableClient table, DateTimeOffset day, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await table.AddEntityAsync(new TableEntity(DailyPartitions.For(day), $"row-{i}"), CancellationToken.None);
        }
    }

    private static async Task<List<string>> RowsAsync(TableClient table)
    {
        var partitions = new List<string>();
        await foreach (var entity in table.QueryAsync(null, 1000, ["PartitionKey"], CancellationToken.None))
        {
            partitions.Add(entity.PartitionKey);
        }

        return partitions;
    }
}
