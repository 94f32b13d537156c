using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Vigil.Functions.Tests.Hosting;

/// <summary>
/// The custom-handler contract, with fixture payloads in the shapes the Functions host sends
/// (testdata/invocations, see /docs/architecture.md): decoding, double encoding, outputs, failures.
/// </summary>
public sealed class InvocationContractTests : IClassFixture<HandlerFactory>
{
    private readonly HandlerFactory _factory;
    private readonly HttpClient _client;

    public InvocationContractTests(HandlerFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
    }

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", name));

    private string _lastInvocationId = string.Empty;

    private async Task<(HttpStatusCode Status, JsonDocument? Body)> InvokeAsync(string function, string payload)
    {
        using var content = new StringContent(payload, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = content };
        _lastInvocationId = Guid.NewGuid().ToString();
        request.Headers.Add("X-Azure-Functions-InvocationId", _lastInvocationId);
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode && text.Length > 0 ? JsonDocument.Parse(text) : null);
    }

    [Fact]
    public async Task GetRoot_AnyTime_AnswersCheaply()
    {
        using var response = await _client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HttpTrigger_QueryRouteAndHeaders_AreDecoded()
    {
        var (status, body) = await InvokeAsync("TestHttp", Fixture("invocations/http-get-with-query-and-route.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        var http = _factory.Recorded.Http!;
        Assert.Equal("GET", http.Method);
        Assert.Equal(["service=api", "status=500"], http.GetQueryValues("match[]"));
        Assert.Equal("10", http.GetQuery("limit"));
        Assert.Equal("http_requests_total", http.GetParam("metric"));
        Assert.Equal(["203.0.113.7", "10.0.0.1"], http.Headers["x-forwarded-for"]);
        Assert.True(http.Body.IsEmpty);
        Assert.NotNull(body);
    }

    [Theory]
    [InlineData("invocations/http-post-json-body-as-string.json")]
    [InlineData("invocations/http-post-json-body-as-object.json")]
    public async Task HttpTrigger_JsonBodyAsStringOrObject_GivesTheJsonText(string fixture)
    {
        var (status, _) = await InvokeAsync("TestHttp", Fixture(fixture));

        Assert.Equal(HttpStatusCode.OK, status);
        using var parsed = JsonDocument.Parse(_factory.Recorded.Http!.Body);
        Assert.Equal("http_requests_total", parsed.RootElement.GetProperty("samples")[0].GetProperty("metric").GetString());
    }

    [Fact]
    public async Task HttpTrigger_OctetStreamBody_IsBase64Decoded()
    {
        var (status, _) = await InvokeAsync("TestHttp", Fixture("invocations/http-post-octet-stream-base64.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        var bytes = _factory.Recorded.Http!.Body.ToArray();
        Assert.Equal(0x1f, bytes[0]);
        Assert.Equal(0x8b, bytes[1]);
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        Assert.StartsWith("cpu,host=a usage=1.5", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task HttpTrigger_OldHostQueryString_StillReadsQueryFromUrl()
    {
        var (status, _) = await InvokeAsync("TestHttp", Fixture("invocations/http-old-host-query-as-string.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("black", _factory.Recorded.Http!.GetQuery("color"));
    }

    [Fact]
    public async Task HttpTrigger_ChunkedRequestWithoutBody_HasEmptyBody()
    {
        var (status, _) = await InvokeAsync("TestHttp", Fixture("invocations/http-no-body-chunked.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(_factory.Recorded.Http!.Body.IsEmpty);
    }

    [Fact]
    public async Task HttpFunction_Response_IsAnObjectWithStatusHeadersAndStringBody()
    {
        var (_, body) = await InvokeAsync("TestHttp", Fixture("invocations/http-post-json-body-as-string.json"));

        var root = body!.RootElement;
        var res = root.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(JsonValueKind.Object, res.ValueKind);
        Assert.Equal(202, res.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("application/json", res.GetProperty("headers").GetProperty("Content-Type").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, res.GetProperty("body").ValueKind);
        Assert.Equal(1, JsonDocument.Parse(res.GetProperty("body").GetString()!).RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("Logs").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public async Task QueueOutputs_AreArraysOfObjects_NeverBareStrings()
    {
        var (_, body) = await InvokeAsync("TestServiceBus", Fixture("invocations/servicebus-double-encoded.json"));

        var outputs = body!.RootElement.GetProperty("Outputs");
        var first = outputs.GetProperty("first");
        Assert.Equal(JsonValueKind.Array, first.ValueKind);
        Assert.All(first.EnumerateArray(), e => Assert.Equal(JsonValueKind.Object, e.ValueKind));
        Assert.Equal(2, first.GetArrayLength());
    }

    [Fact]
    public async Task TimerTrigger_ScheduleStatus_IsDecoded()
    {
        var (status, _) = await InvokeAsync("TestTimer", Fixture("invocations/timer-with-schedule-status.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        var timer = _factory.Recorded.Timer!;
        Assert.False(timer.IsPastDue);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 30, TimeSpan.Zero), timer.Next);
        Assert.Contains("TestTimer", _factory.Recorded.RecordedTimerRuns);
    }

    [Theory]
    [InlineData("invocations/timer-past-due-no-monitor.json")]
    [InlineData("invocations/timer-once-encoded-flags.json")]
    public async Task TimerTrigger_NullStatusAndEncodedFlags_AreDecoded(string fixture)
    {
        var (status, _) = await InvokeAsync("TestTimer", Fixture(fixture));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(_factory.Recorded.Timer!.IsPastDue);
        Assert.Null(_factory.Recorded.Timer!.Next);
    }

    [Theory]
    [InlineData("invocations/servicebus-double-encoded.json")]
    [InlineData("invocations/servicebus-once-encoded.json")]
    public async Task ServiceBusTrigger_DoubleAndOnceEncoded_GiveTheSameMessage(string fixture)
    {
        var (status, _) = await InvokeAsync("TestServiceBus", Fixture(fixture));

        Assert.Equal(HttpStatusCode.OK, status);
        var message = _factory.Recorded.Message!;
        Assert.Equal("b-1", message.Body.GetProperty("beatId").GetString());
        Assert.Equal(3, message.DeliveryCount);
        Assert.Equal("0c9b6d7e1f2a4b3c8d9e0f1a2b3c4d5e", message.MessageId);
        Assert.Equal(42, message.SequenceNumber);
        Assert.Equal("corr-7", message.CorrelationId);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), message.EnqueuedTimeUtc);
    }

    [Fact]
    public async Task ServiceBusTrigger_IndentedBodyAndNumericLookingId_AreRead()
    {
        var (status, _) = await InvokeAsync("TestServiceBus", Fixture("invocations/servicebus-indented-body.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("b-1", _factory.Recorded.Message!.Body.GetProperty("beatId").GetString());
        Assert.Equal("123", _factory.Recorded.Message!.MessageId);
        Assert.Equal(1, _factory.Recorded.Message!.DeliveryCount);
    }

    [Theory]
    [InlineData("TestHttp", "malformed/truncated.json", "not JSON")]
    [InlineData("TestHttp", "malformed/not-json.txt", "not JSON")]
    [InlineData("TestHttp", "malformed/array-root.json", "JSON array")]
    [InlineData("TestHttp", "malformed/no-data.json", "no Data object")]
    [InlineData("TestHttp", "malformed/data-array.json", "Data is a JSON array")]
    [InlineData("TestServiceBus", "malformed/metadata-string.json", "Metadata is a JSON string")]
    [InlineData("TestServiceBus", "malformed/servicebus-body-not-object.json", "Data.message is a JSON string")]
    [InlineData("TestServiceBus", "malformed/missing-binding.json", "no 'message' binding")]
    [InlineData("TestHttp", "malformed/http-no-url.json", "Url is missing")]
    [InlineData("TestHttp", "malformed/http-octet-body-not-base64.json", "not Base64")]
    public async Task MalformedEnvelope_Answers400_WithOneLogLineSayingWhy(string function, string fixture, string reason)
    {
        var (status, _) = await InvokeAsync(function, Fixture(fixture));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var line = Assert.Single(_factory.Logs, l => l.Message.Contains(_lastInvocationId, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains(reason, line.Message, StringComparison.Ordinal);
        Assert.Contains(function, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line.Message);
    }

    [Fact]
    public async Task FunctionThrows_Answers500_AndLogsTheFailure()
    {
        var (status, _) = await InvokeAsync("Throwing", Fixture("invocations/servicebus-double-encoded.json"));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        var line = Assert.Single(_factory.Logs, l => l.Message.Contains(_lastInvocationId, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("InvalidOperationException", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFunction_Answers404()
    {
        var (status, _) = await InvokeAsync("NoSuchFunction", Fixture("invocations/timer-past-due-no-monitor.json"));

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
