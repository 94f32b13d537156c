using System.Text;
using Vigil.Functions.Hosting;
using Vigil.Functions.Probes.Heartbeats;

namespace Vigil.Functions.Tests.Probes;

public sealed class BeatRequestTests
{
    private static HttpTriggerRequest Request(string query = "", string? body = null, string? contentType = null)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (contentType is not null)
        {
            headers["Content-Type"] = [contentType];
        }

        return new HttpTriggerRequest(
            "POST",
            new Uri("http://127.0.0.1:7071/api/heartbeats/nightly-export" + query),
            headers,
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["name"] = "nightly-export" },
            body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body));
    }

    private static string Detail(HttpResponseData problem)
    {
        using var json = System.Text.Json.JsonDocument.Parse(problem.Body);
        return json.RootElement.GetProperty("detail").GetString()!;
    }

    [Theory]
    [InlineData("", false, null)]
    [InlineData("?status=ok", false, null)]
    [InlineData("?status=fail", true, null)]
    [InlineData("?status=FAIL&message=exit%20code%203", true, "exit code 3")]
    [InlineData("?message=exported+120+rows", false, "exported 120 rows")]
    public void TryParse_Query(string query, bool failed, string? message)
    {
        Assert.True(BeatRequest.TryParse(Request(query), out var beat, out var problem));
        Assert.Null(problem);
        Assert.Equal(new BeatRequest(failed, message), beat);
    }

    [Theory]
    [InlineData("disk full\n", "text/plain", "disk full")]
    [InlineData("""{"message":"exported 120 rows"}""", "application/json", "exported 120 rows")]
    [InlineData("""{"other":1}""", "application/json", null)]
    [InlineData("   ", "text/plain", null)]
    public void TryParse_MessageInBody(string body, string contentType, string? message)
    {
        Assert.True(BeatRequest.TryParse(Request("?status=fail", body, contentType), out var beat, out _));
        Assert.Equal(new BeatRequest(true, message), beat);
    }

    [Theory]
    [InlineData("?status=maybe", null, null, "?status=maybe is not a status")]
    [InlineData("", "[1,2]", "application/json", "A JSON body must be an object")]
    [InlineData("", "{\"message\":5}", "application/json", "'message' must be a string")]
    [InlineData("", "{nope", "application/json", "The body is not valid JSON")]
    [InlineData("", "bell\u0007", "text/plain", "control characters")]
    public void TryParse_BadRequest_400WithReason(string query, string? body, string? contentType, string fragment)
    {
        Assert.False(BeatRequest.TryParse(Request(query, body, contentType), out _, out var problem));
        Assert.Equal(400, problem!.StatusCode);
        Assert.Contains(fragment, Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_MessageTooLong_IsRejectedNotCut()
    {
        Assert.False(BeatRequest.TryParse(Request(body: new string('x', 1001), contentType: "text/plain"), out _, out var problem));
        Assert.Contains("The message has 1001 characters; at most 1000", Detail(problem!), StringComparison.Ordinal);
    }
}
