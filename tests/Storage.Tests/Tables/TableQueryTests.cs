using Vigil.Storage.Tables;
using Vigil.Storage.Tests.Support;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableQueryTests(AzuriteFixture azurite)
{
    private static async Task InsertAsync(TableClient table, string partitionKey, int count, Func<int, TableEntity>? build = null)
    {
        // Transactions of 100 keep 2,500 inserts quick.
        var entities = Enumerable.Range(0, count)
            .Select(i => build?.Invoke(i) ?? new TableEntity(partitionKey, $"{i:D5}") { ["Index"] = i });
        foreach (var chunk in entities.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
        }
    }

    [Fact]
    public async Task QueryAsync_FilterSelectAndTop_ReturnsMatchingProjectedPages()
    {
        var table = await azurite.CreateTableAsync();
        await InsertAsync(table, "a", 10, i => new TableEntity("a", $"{i:D2}") { ["Index"] = i, ["Label"] = $"label {i}", ["Extra"] = true });
        await InsertAsync(table, "b", 5);

        var pages = new List<IReadOnlyList<TableEntity>>();
        await foreach (var page in table.QueryAsync(TableFilter.Create($"PartitionKey eq {"a"} and Index ge {4}"), maxPerPage: 2, select: ["Index", "Label"]).AsPages())
        {
            pages.Add(page.Values);
        }

        var all = pages.SelectMany(p => p).ToList();
        Assert.All(pages.Where(p => p.Count > 0), p => Assert.True(p.Count <= 2));
        Assert.Equal([4, 5, 6, 7, 8, 9], all.Select(e => e.GetInt32("Index")!.Value).Order());
        Assert.All(all, e => Assert.False(e.ContainsKey("Extra")));
        Assert.All(all, e => Assert.StartsWith("label ", e.GetString("Label"), StringComparison.Ordinal));
        Assert.All(all, e => Assert.NotEqual(default, e.ETag));
    }

    [Fact]
    public async Task QueryAsync_NoFilter_ReturnsEveryEntity()
    {
        var table = await azurite.CreateTableAsync();
        await InsertAsync(table, "a", 3);
        await InsertAsync(table, "b", 4);

        var count = 0;
        await foreach (var entity in table.QueryAsync())
        {
            Assert.NotNull(entity.Timestamp);
            count++;
        }

        Assert.Equal(7, count);
    }

    [Fact]
    public async Task QueryAsync_2500EntitiesWithMaxPerPage1000_FollowsContinuationAcrossPages()
    {
        var table = await azurite.CreateTableAsync();
        await InsertAsync(table, "p1", 1300);
        await InsertAsync(table, "p2", 1200);

        var pageSizes = new List<int>();
        var rowKeys = new HashSet<string>();
        await foreach (var page in table.QueryAsync(maxPerPage: 1000).AsPages())
        {
            pageSizes.Add(page.Values.Count);
            foreach (var entity in page.Values)
            {
                rowKeys.Add(entity.PartitionKey + "/" + entity.RowKey);
            }
        }

        Assert.Equal(2500, pageSizes.Sum());
        Assert.Equal(2500, rowKeys.Count);
        Assert.True(pageSizes.Count >= 3, $"expected at least 3 pages, got {string.Join(", ", pageSizes)}");
        Assert.All(pageSizes, size => Assert.True(size <= 1000));
    }

    [Fact]
    public async Task QueryAsync_ResumeFromContinuationToken_ReturnsTheNextPage()
    {
        var table = await azurite.CreateTableAsync();
        await InsertAsync(table, "p", 30);

        string? token = null;
        var firstPage = new List<string>();
        await foreach (var page in table.QueryAsync(maxPerPage: 10).AsPages())
        {
            firstPage.AddRange(page.Values.Select(e => e.RowKey));
            token = page.ContinuationToken;
            break;
        }

        var rest = new List<string>();
        await foreach (var page in table.QueryAsync(maxPerPage: 10).AsPages(token))
        {
            rest.AddRange(page.Values.Select(e => e.RowKey));
        }

        Assert.NotNull(token);
        Assert.Equal(10, firstPage.Count);
        Assert.Equal(20, rest.Count);
        Assert.Empty(firstPage.Intersect(rest));
    }

    [Fact]
    public async Task QueryAsync_FilterWithEveryLiteralType_MatchesOnlyTheTarget()
    {
        var table = await azurite.CreateTableAsync();
        var when = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var id = Guid.NewGuid();
        await table.AddEntityAsync(new TableEntity("p", "target")
        {
            ["Name"] = "it's",
            ["Big"] = 5_000_000_000L,
            ["When"] = when,
            ["Id"] = id,
            ["Flag"] = true,
            ["Ratio"] = 0.25,
            ["Whole"] = 2.0,
            ["Bytes"] = new byte[] { 0xAB, 0xCD },
        });
        await table.AddEntityAsync(new TableEntity("p", "other")
        {
            ["Name"] = "its",
            ["Big"] = 1L,
            ["When"] = when.AddDays(-1),
            ["Id"] = Guid.NewGuid(),
            ["Flag"] = false,
            ["Ratio"] = 0.5,
            ["Whole"] = 3.0,
            ["Bytes"] = new byte[] { 0x01 },
        });

        string[] filters =
        [
            TableFilter.Create($"Name eq {"it's"}"),
            TableFilter.Create($"Big gt {4_000_000_000L}"),
            TableFilter.Create($"When ge {when}"),
            TableFilter.Create($"Id eq {id}"),
            TableFilter.Create($"Flag eq {true}"),
            TableFilter.Create($"Ratio lt {0.3}"),
            TableFilter.Create($"Whole eq {2.0}"),
            TableFilter.Create($"Bytes eq {new byte[] { 0xAB, 0xCD }}"),
            TableFilter.Create($"PartitionKey eq {"p"} and RowKey eq {"target"}"),
        ];

        foreach (var filter in filters)
        {
            var matches = new List<string>();
            await foreach (var entity in table.QueryAsync(filter))
            {
                matches.Add(entity.RowKey);
            }

            Assert.True(matches.SequenceEqual(["target"]), $"filter {filter} matched [{string.Join(", ", matches)}]");
        }
    }
}
