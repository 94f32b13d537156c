using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Domain.Health;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Addresses;
using Vigil.Domain.Probes.Checks;

namespace Vigil.Domain.Tests.Probes;

public sealed class ChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static HttpProbeTarget Http(
        string? contains = null, string? matches = null, string? jsonPath = null, string? jsonEquals = null, TimeSpan? maxLatency = null, params string[] expect)
    {
        JsonCheck? json = null;
        if (jsonPath is not null)
        {
            Assert.True(JsonPath.TryParse(jsonPath, out var path, out _));
            json = new JsonCheck(path, jsonEquals!);
        }

        var codes = StatusCodeSet.Success;
        if (expect.Length > 0)
        {
            Assert.True(StatusCodeSet.TryParse(expect, out codes, out _, out _));
        }

        return new HttpProbeTarget(
            new Uri("http://127.0.0.1/health"), "GET", new Dictionary<string, string>(), null, codes, contains,
            matches is null ? null : new Regex(matches, RegexOptions.NonBacktracking), json, maxLatency, false, true);
    }

    private static HttpObservation Answer(int status, string body = "", double ms = 10, bool truncated = false) =>
        new(status, Encoding.UTF8.GetBytes(body), truncated, TimeSpan.FromMilliseconds(ms));

    [Theory]
    [InlineData(new[] { "200" }, 200, true)]
    [InlineData(new[] { "200" }, 204, false)]
    [InlineData(new[] { "2xx" }, 204, true)]
    [InlineData(new[] { "2XX", "301" }, 301, true)]
    [InlineData(new[] { "200-399" }, 302, true)]
    [InlineData(new[] { "200-399" }, 404, false)]
    [InlineData(new[] { "4xx", "5xx" }, 503, true)]
    public void StatusCodeSet_Contains(string[] items, int status, bool expected)
    {
        Assert.True(StatusCodeSet.TryParse(items, out var set, out _, out _));
        Assert.Equal(expected, set.Contains(status));
    }

    [Theory]
    [InlineData("600", "codes are 100 to 599")]
    [InlineData("6xx", "not a status code")]
    [InlineData("20x", "not a status code")]
    [InlineData("399-200", "empty range")]
    [InlineData("200-", "not a range")]
    [InlineData("ok", "not a status code")]
    public void StatusCodeSet_BadItem_SaysWhy(string item, string fragment)
    {
        Assert.False(StatusCodeSet.TryParse(["200", item], out _, out var bad, out var reason));
        Assert.Equal(1, bad);
        Assert.Contains(fragment, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$", """{"a":1}""", """{"a":1}""")]
    [InlineData("$.status", """{"status":"ok"}""", "\"ok\"")]
    [InlineData("$.checks.database.status", """{"checks":{"database":{"status":"healthy"}}}""", "\"healthy\"")]
    [InlineData("$['odd key'].x", """{"odd key":{"x":true}}""", "true")]
    [InlineData("$[\"a.b\"]", """{"a.b":2}""", "2")]
    [InlineData("$.items[1].id", """{"items":[{"id":1},{"id":2}]}""", "2")]
    [InlineData("$.items[-1]", """{"items":[1,2,3]}""", "3")]
    public void JsonPath_Select_FindsTheValue(string path, string json, string expected)
    {
        Assert.True(JsonPath.TryParse(path, out var parsed, out var error), error);
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, parsed.Select(document.RootElement)!.Value.GetRawText());
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.items[5]")]
    [InlineData("$.items.id")]
    [InlineData("$.name[0]")]
    public void JsonPath_Select_MissingStep_IsNull(string path)
    {
        Assert.True(JsonPath.TryParse(path, out var parsed, out _));
        using var document = JsonDocument.Parse("""{"items":[1],"name":"x"}""");

        Assert.Null(parsed.Select(document.RootElement));
    }

    [Theory]
    [InlineData("status", "start with $")]
    [InlineData("$.", "character 3: a member name is missing")]
    [InlineData("$..x", "character 3: a member name is missing")]
    [InlineData("$.a[*]", "not an array index")]
    [InlineData("$.a.*", "wildcards are not supported")]
    [InlineData("$[?(@.a)]", "not an array index")]
    [InlineData("$['a'", "not closed")]
    [InlineData("$[1", "not closed")]
    [InlineData("$x", "expected '.' or '['")]
    public void JsonPath_Unsupported_SaysWhereAndWhy(string path, string fragment)
    {
        Assert.False(JsonPath.TryParse(path, out _, out var error));
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpCheck_AllExpectationsMet_IsHealthy() =>
        Assert.Equal(
            HealthStatus.Healthy,
            HttpCheck.Judge(Http("\"status\":\"healthy\"", "version: [0-9]+", "$.status", "healthy", TimeSpan.FromSeconds(2)), Answer(200, """{"status":"healthy","note":"version: 12"}""")).Status);

    [Theory]
    [InlineData(500, "", "HTTP 500, expected 2xx")]
    [InlineData(200, "all good", "the body does not contain \"healthy\"")]
    public void HttpCheck_StatusAndContains_FailWithReason(int status, string body, string error)
    {
        var verdict = HttpCheck.Judge(Http(contains: "healthy"), Answer(status, body));

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.Equal(error, verdict.Error);
    }

    [Fact]
    public void HttpCheck_TruncatedBody_SaysOnlyThePrefixWasChecked()
    {
        var verdict = HttpCheck.Judge(Http(contains: "needle"), Answer(200, new string('x', 100), truncated: true));

        Assert.Equal("the body does not contain \"needle\" (only the first 64 KB of the body are checked)", verdict.Error);
    }

    [Fact]
    public void HttpCheck_BodyMatches_FailsWhenNoMatch()
    {
        var verdict = HttpCheck.Judge(Http(matches: "version: [0-9]+"), Answer(200, "version: x"));

        Assert.Equal("the body does not match /version: [0-9]+/", verdict.Error);
    }

    [Theory]
    [InlineData("""{"status":"degraded"}""", "healthy", "$.status is \"degraded\", expected \"healthy\"")]
    [InlineData("""{"other":1}""", "healthy", "$.status is not in the body")]
    [InlineData("<html>", "healthy", "the body is not valid JSON (line 1, byte 1), so $.status cannot be checked")]
    public void HttpCheck_Json_FailsWithReason(string body, string expected, string error)
    {
        var verdict = HttpCheck.Judge(Http(jsonPath: "$.status", jsonEquals: expected), Answer(200, body));

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.Equal(error, verdict.Error);
    }

    [Theory]
    [InlineData("\"ok\"", "ok", true)]
    [InlineData("\"200\"", "200", true)]
    [InlineData("200", "200", true)]
    [InlineData("200.0", "200", true)]
    [InlineData("201", "200", false)]
    [InlineData("true", "true", true)]
    [InlineData("false", "true", false)]
    [InlineData("null", "null", true)]
    [InlineData("{}", "{}", false)]
    public void HttpCheck_JsonEquals_ComparesByKind(string json, string expected, bool equal)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(equal, HttpCheck.JsonEquals(document.RootElement, expected));
    }

    [Fact]
    public void HttpCheck_SlowerThanMaxLatency_IsDegraded()
    {
        var verdict = HttpCheck.Judge(Http(maxLatency: TimeSpan.FromMilliseconds(200)), Answer(200, ms: 350));

        Assert.Equal(HealthStatus.Degraded, verdict.Status);
        Assert.Equal("took 350 ms, more than maxLatency 200ms", verdict.Error);
    }

    [Fact]
    public void HttpCheck_FailureWinsOverSlowness()
    {
        var verdict = HttpCheck.Judge(Http(maxLatency: TimeSpan.FromMilliseconds(200)), Answer(503, ms: 350));

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
    }

    [Theory]
    [InlineData(60, null, true, HealthStatus.Healthy, null)]
    [InlineData(20, null, true, HealthStatus.Degraded, "the certificate expires in 20 days (2026-03-21 12:00 UTC), fewer than warnDays 21")]
    [InlineData(6.5, null, true, HealthStatus.Unhealthy, "the certificate expires in 6.5 days (2026-03-08 00:00 UTC), fewer than criticalDays 7")]
    [InlineData(-2, null, true, HealthStatus.Unhealthy, "the certificate expired 2026-02-27 12:00 UTC (2 days ago)")]
    [InlineData(60, "UntrustedRoot", true, HealthStatus.Unhealthy, "the certificate is not trusted: UntrustedRoot")]
    [InlineData(60, "UntrustedRoot", false, HealthStatus.Healthy, null)]
    [InlineData(-2, "UntrustedRoot", false, HealthStatus.Unhealthy, "the certificate expired 2026-02-27 12:00 UTC (2 days ago)")]
    public void CertificateCheck_DaysLeftAndTrust(double daysLeft, string? problem, bool verify, HealthStatus status, string? error)
    {
        var target = new TlsProbeTarget("api.example.com", 443, 21, 7, verify);
        var certificate = new CertificateObservation(Now.AddDays(-90), Now.AddDays(daysLeft), problem);

        var verdict = CertificateCheck.Judge(target, certificate, Now);

        Assert.Equal(status, verdict.Status);
        Assert.Equal(error, verdict.Error);
        Assert.Equal(daysLeft, CertificateCheck.DaysLeft(certificate, Now));
    }

    [Fact]
    public void CertificateCheck_NotYetValid_IsUnhealthy()
    {
        var verdict = CertificateCheck.Judge(new TlsProbeTarget("h", 443, 21, 7), new CertificateObservation(Now.AddDays(1), Now.AddDays(90), null), Now);

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.StartsWith("the certificate is not valid before", verdict.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], new[] { "127.0.0.1" }, true)]
    [InlineData(new string[0], new string[0], false)]
    [InlineData(new[] { "127.0.0.1", "::1" }, new[] { "127.0.0.1" }, true)]
    [InlineData(new[] { "127.0.0.1" }, new[] { "::ffff:127.0.0.1" }, true)]
    [InlineData(new[] { "203.0.113.10" }, new[] { "203.0.113.10", "198.51.100.7" }, false)]
    public void DnsCheck_ResolvedWithinExpected(string[] expect, string[] resolved, bool healthy)
    {
        var target = new DnsProbeTarget("api.example.com", [.. expect.Select(Parse)]);

        var verdict = DnsCheck.Judge(target, [.. resolved.Select(Parse)]);

        Assert.Equal(healthy ? HealthStatus.Healthy : HealthStatus.Unhealthy, verdict.Status);
    }

    [Fact]
    public void DnsCheck_Unexpected_NamesTheAddress()
    {
        var verdict = DnsCheck.Judge(new DnsProbeTarget("api.example.com", [Parse("203.0.113.10")]), [Parse("203.0.113.10"), Parse("198.51.100.7")]);

        Assert.Equal("api.example.com resolves to 198.51.100.7, not in expect [203.0.113.10]", verdict.Error);
    }

    private static IpAddressValue Parse(string text)
    {
        Assert.True(IpAddressValue.TryParse(text, out var address));
        return address;
    }
}
