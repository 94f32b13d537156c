using System.Text.Json.Nodes;
using Vigil.DevHost.Invocation;
using Vigil.DevHost.Settings;
using Vigil.DevHost.Timers;

namespace Vigil.DevHost.Tests;

/// <summary>DevHost reproduces the host's encodings (see /work/notes or docs/architecture.md for the sources).</summary>
public sealed class HostEncodingTests
{
    [Fact]
    public void EncodeString_IsSerialisedOnceMore() =>
        Assert.Equal("\"\\\"abc\\\"\"", HostPayload.EncodeString("abc").ToJsonString(HostPayload.Json));

    [Fact]
    public void EncodeNumber_IsAStringHoldingTheNumber() =>
        Assert.Equal("\"3\"", HostPayload.EncodeNumber(3).ToJsonString());

    [Fact]
    public void EncodeDateTime_LosesSubSecondsAndZone() =>
        Assert.Equal("\"2026-11-21T12:00:00\"", HostPayload.EncodeDateTime(new DateTimeOffset(2026, 11, 21, 12, 0, 0, 789, TimeSpan.Zero)).ToJsonString());

    [Fact]
    public void ToMessages_ArrayOfObjects_IsOneIndentedMessageEach()
    {
        var messages = OutputConverter.ToMessages(JsonNode.Parse("""[{"a":1},{"b":[1,2]}]"""), binary: false);

        Assert.Equal(2, messages.Count);
        Assert.Contains("\n", messages[0], StringComparison.Ordinal);
        Assert.Equal(1, JsonNode.Parse(messages[0])!["a"]!.GetValue<int>());
    }

    [Fact]
    public void ToMessages_Base64LookingString_FallsIntoTheBase64Trap() =>
        Assert.Equal(["System.Byte[]"], OutputConverter.ToMessages(JsonValue.Create("dGVzdA=="), binary: false));

    [Fact]
    public void ToMessages_BinaryString_IsKeptAsText() =>
        Assert.Equal(["dGVzdA=="], OutputConverter.ToMessages(JsonValue.Create("dGVzdA=="), binary: true));

    [Fact]
    public void ToMessages_StringHoldingJsonArray_IsSplit() =>
        Assert.Equal(2, OutputConverter.ToMessages(JsonValue.Create("""[{"a":1},{"a":2}]"""), binary: false).Count);

    [Fact]
    public void ToMessages_Missing_WritesNothing() => Assert.Empty(OutputConverter.ToMessages(null, binary: false));

    [Fact]
    public void Expand_KnownAndUnknownTokens()
    {
        var settings = new LocalSettings(new Dictionary<string, string> { ["A"] = "1" }, "test.json");

        Assert.Equal("x1y", settings.Expand("x%A%y%NOPE%"));
        var error = Assert.Throws<InvalidOperationException>(() => settings.ExpandRequired("%NOPE%", "F/function.json (schedule)"));
        Assert.Contains("%NOPE%", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*/30 * * * * *", 30)]
    [InlineData("00:05:00", 300)]
    public void TimerSchedule_CronAndTimeSpan(string expression, int seconds)
    {
        var schedule = TimerSchedule.Parse(expression, "f.json");
        var start = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(seconds), schedule.Next(schedule.Next(start)) - schedule.Next(start));
    }

    [Fact]
    public void TimerSchedule_Invalid_NamesTheFile()
    {
        var error = Assert.Throws<AppRoot.FunctionAppDefinitionException>(() => TimerSchedule.Parse("every minute", "F/function.json"));

        Assert.Equal("F/function.json", error.File);
    }

    [Fact]
    public void TimerPayload_SubMinuteSchedule_HasNoScheduleStatus()
    {
        var now = DateTimeOffset.UtcNow;

        Assert.Null(TimerScheduler.Payload(TimerSchedule.Parse("*/10 * * * * *", "f"), useMonitor: true, null, now)["ScheduleStatus"]);
        Assert.NotNull(TimerScheduler.Payload(TimerSchedule.Parse("0 */5 * * * *", "f"), useMonitor: true, null, now)["ScheduleStatus"]);
    }
}
