using System.Text.Json;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Tests.Hosting;

public sealed class EncodedJsonTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Theory]
    [InlineData("\"\\\"abc\\\"\"", "abc")]   // double-encoded string
    [InlineData("\"abc\"", "abc")]           // once-encoded
    [InlineData("\"123\"", "123")]           // once-encoded id that looks like a number stays a string
    [InlineData("\"\\\"123\\\"\"", "123")]
    public void GetString_EncodedVariants_GiveTheString(string json, string expected) =>
        Assert.Equal(expected, EncodedJson.GetString(Parse(json)));

    [Theory]
    [InlineData("\"3\"", 3)]
    [InlineData("3", 3)]
    [InlineData("\"\\\"3\\\"\"", 3)]
    public void GetInt64_EncodedVariants_GiveTheNumber(string json, long expected) =>
        Assert.Equal(expected, EncodedJson.GetInt64(Parse(json)));

    [Theory]
    [InlineData("\"true\"", true)]
    [InlineData("false", false)]
    [InlineData("\"false\"", false)]
    public void GetBoolean_EncodedVariants_GiveTheFlag(string json, bool expected) =>
        Assert.Equal(expected, EncodedJson.GetBoolean(Parse(json)));

    [Fact]
    public void Unwrap_ObjectThreeLayersDeep_GivesTheObject()
    {
        var inner = JsonSerializer.Serialize(JsonSerializer.Serialize("{\"a\":1}"));

        var value = EncodedJson.Unwrap(Parse(inner), JsonValueKind.Object);

        Assert.Equal(JsonValueKind.Object, value.ValueKind);
        Assert.Equal(1, value.GetProperty("a").GetInt32());
    }

    [Fact]
    public void Unwrap_PlainTextExpectedObject_StaysAString() =>
        Assert.Equal(JsonValueKind.String, EncodedJson.Unwrap(Parse("\"hello world\""), JsonValueKind.Object).ValueKind);

    [Fact]
    public void GetDateTimeOffset_HostDateTimeWithoutZone_IsUtc() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), EncodedJson.GetDateTimeOffset(Parse("\"2026-11-21T12:00:00\"")));
}
