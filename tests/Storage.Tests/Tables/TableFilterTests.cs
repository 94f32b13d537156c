using Vigil.Storage.Tables;

namespace Vigil.Storage.Tests.Tables;

public sealed class TableFilterTests
{
    [Fact]
    public void Create_String_QuotesAndDoublesApostrophes()
    {
        Assert.Equal("PartitionKey eq 'it''s ''quoted'''", TableFilter.Create($"PartitionKey eq {"it's 'quoted'"}"));
    }

    [Fact]
    public void Create_InjectionAttempt_StaysInsideTheLiteral()
    {
        const string hostile = "x' or RowKey ne '";

        Assert.Equal("RowKey eq 'x'' or RowKey ne '''", TableFilter.Create($"RowKey eq {hostile}"));
    }

    [Fact]
    public void Create_EveryLiteralType_FormatsAsOData()
    {
        var when = new DateTimeOffset(2024, 5, 6, 9, 8, 9, TimeSpan.FromHours(2)).AddTicks(5);
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        var filter = TableFilter.Create(
            $"A eq {42} and B eq {42L} and C eq {2.5} and D eq {2.0} and E eq {true} and F eq {false} and G ge {when} and H eq {id} and I eq {new byte[] { 0xAB, 0x01 }} and J eq {null}");

        Assert.Equal(
            "A eq 42 and B eq 42L and C eq 2.5 and D eq 2.0 and E eq true and F eq false and " +
            "G ge datetime'2024-05-06T07:08:09.0000005Z' and H eq guid'0f8fad5b-d9cb-469f-a165-70867728950e' and " +
            "I eq X'ab01' and J eq null",
            filter);
    }

    [Fact]
    public void Create_DateTimeKinds_AreWrittenInUtc()
    {
        var utc = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var unspecified = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified);

        Assert.Equal("T eq datetime'2024-01-02T03:04:05.0000000Z'", TableFilter.Create($"T eq {utc}"));
        Assert.Equal("T eq datetime'2024-01-02T03:04:05.0000000Z'", TableFilter.Create($"T eq {unspecified}"));
    }

    [Fact]
    public void Create_NonFiniteDouble_Throws()
    {
        Assert.Throws<ArgumentException>(() => TableFilter.Create($"D eq {double.NaN}"));
    }

    [Fact]
    public void Create_UnsupportedType_Throws()
    {
        Assert.Throws<ArgumentException>(() => TableFilter.Create($"X eq {new object()}"));
    }

    [Fact]
    public void Create_NoArguments_ReturnsTextAndUnescapesBraces()
    {
        Assert.Equal("PartitionKey eq 'a{b}'", TableFilter.Create($"PartitionKey eq 'a{{b}}'"));
    }
}
