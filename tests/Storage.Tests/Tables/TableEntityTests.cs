using Vigil.Storage.Tables;

namespace Vigil.Storage.Tests.Tables;

public sealed class TableEntityTests
{
    [Fact]
    public void Indexer_PropertyNames_AreCaseSensitive()
    {
        var entity = new TableEntity("p", "r") { ["Name"] = "upper", ["name"] = "lower" };

        Assert.Equal("upper", entity.GetString("Name"));
        Assert.Equal("lower", entity.GetString("name"));
        Assert.Equal(4, entity.Count);
    }

    [Fact]
    public void PartitionKeyAndRowKey_Set_AreStoredAsProperties()
    {
        var entity = new TableEntity { PartitionKey = "p", RowKey = "r" };

        Assert.Equal("p", entity["PartitionKey"]);
        Assert.Equal("r", entity["RowKey"]);
        Assert.Equal(string.Empty, new TableEntity().PartitionKey);
    }

    [Fact]
    public void Indexer_UnsupportedType_Throws()
    {
        var entity = new TableEntity("p", "r");

        var error = Assert.Throws<ArgumentException>(() => entity["Bad"] = 1.5m);

        Assert.Contains("'Bad'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Indexer_DateTime_IsStoredAsUtcDateTimeOffset()
    {
        var entity = new TableEntity("p", "r")
        {
            ["Utc"] = new DateTime(2024, 1, 1, 12, 0, 0, DateTimeKind.Utc),
            ["Unspecified"] = new DateTime(2024, 1, 1, 12, 0, 0, DateTimeKind.Unspecified),
        };

        Assert.Equal(new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero), entity.GetDateTimeOffset("Utc"));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero), entity.GetDateTimeOffset("Unspecified"));
    }

    [Fact]
    public void Getters_MissingProperty_ReturnNull()
    {
        var entity = new TableEntity("p", "r");

        Assert.Null(entity.GetString("X"));
        Assert.Null(entity.GetInt32("X"));
        Assert.Null(entity.GetInt64("X"));
        Assert.Null(entity.GetDouble("X"));
        Assert.Null(entity.GetBoolean("X"));
        Assert.Null(entity.GetDateTimeOffset("X"));
        Assert.Null(entity.GetGuid("X"));
        Assert.Null(entity.GetBinary("X"));
    }

    [Fact]
    public void Getters_NumericWidening_Allowed()
    {
        var entity = new TableEntity("p", "r") { ["I"] = 7, ["L"] = 8L };

        Assert.Equal(7L, entity.GetInt64("I"));
        Assert.Equal(7.0, entity.GetDouble("I"));
        Assert.Equal(8.0, entity.GetDouble("L"));
    }

    [Fact]
    public void Getters_WrongType_ThrowInvalidOperation()
    {
        var entity = new TableEntity("p", "r") { ["S"] = "text", ["L"] = 8L };

        Assert.Throws<InvalidOperationException>(() => entity.GetInt32("S"));
        Assert.Throws<InvalidOperationException>(() => entity.GetInt32("L"));
        Assert.Throws<InvalidOperationException>(() => entity.GetString("L"));
    }
}
