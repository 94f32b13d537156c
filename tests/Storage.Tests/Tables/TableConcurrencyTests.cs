using Vigil.Storage.Tables;
using Vigil.Storage.Tests.Support;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableConcurrencyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task UpdateEntityAsync_EightParallelWritersRetryingOnConflict_EndWithExactTotal()
    {
        const int writers = 8;
        const int incrementsEach = 25;
        var table = await azurite.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("counters", "c") { ["Count"] = 0L });
        var conflicts = 0;

        async Task IncrementAsync()
        {
            // Each writer gets its own client (own pipeline), as separate function instances would.
            var client = azurite.StorageConnection.CreateTableServiceClient().GetTableClient(table.Name);
            for (var done = 0; done < incrementsEach;)
            {
                var current = (await client.GetEntityIfExistsAsync("counters", "c")).Value!;
                current["Count"] = current.GetInt64("Count")!.Value + 1;
                try
                {
                    await client.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace);
                    done++;
                }
                catch (TableConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(IncrementAsync)));

        var final = (await table.GetEntityIfExistsAsync("counters", "c")).Value!;
        Assert.Equal(writers * incrementsEach, final.GetInt64("Count"));
        Assert.True(conflicts > 0, "eight writers on one entity should have collided at least once");
    }
}
