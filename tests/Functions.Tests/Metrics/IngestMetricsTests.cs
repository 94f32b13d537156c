using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics.Ingest;

namespace Vigil.Functions.Tests.Metrics;

/// <summary>The ingest pipeline after authentication: formats, gzip, limits, partial acceptance; never a 500.</summary>
public sealed class IngestMetricsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
    private readonly MetricsIngestor _ingestor = new(new ManualTime(Now), NullLogger<MetricsIngestor>.Instance);

    [Theory]
    [InlineData("application/json", """{"samples":[{"metric":"up","value":1}]}""")]
    [InlineData("application/json; charset=utf-8", """{"samples":[{"metric":"up","value":1}]}""")]
    [InlineData("text/plain", "up value=1")]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", "# TYPE up gauge\nup 1")]
    public void Ingest_EachFormatByContentType_Accepted(string contentType, string body)
    {
        var outcome = _ingestor.Ingest(Request(contentType, Encoding.UTF8.GetBytes(body)), "billing");

        Assert.Equal(202, outcome.Response.StatusCode);
        var series = Assert.Single(Assert.Single(outcome.Messages).Series);
        Assert.Equal("billing", series.Labels["source"]);
        using var answer = JsonDocument.Parse(outcome.Response.Body);
        Assert.Equal(1, answer.RootElement.GetProperty("accepted").GetInt32());
    }

    [Theory]
    [InlineData("json", """{"samples":[{"metric":"up","value":1}]}""")]
    [InlineData("influx", "up value=1")]
    [InlineData("prometheus", "up 1")]
    public void Ingest_GzipOctetStreamWithFormatQuery_Accepted(string format, string body)
    {
        var outcome = _ingestor.Ingest(Request("application/octet-stream", Gzip(body), "?format=" + format, ("Content-Encoding", "gzip")), "s");

        Assert.Equal(202, outcome.Response.StatusCode);
        Assert.Single(outcome.Messages);
    }

    [Fact]
    public void Ingest_GzipSentAsJson_MangledByTheHost_400SaysHowToSendIt()
    {
        // What the host hands on for gzip + application/json: the bytes decoded as UTF-8 (invalid bytes become U+FFFD).
        var mangled = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Gzip("""{"samples":[{"metric":"up","value":1}]}""")));

        var withHeader = _ingestor.Ingest(Request("application/json", mangled, headers: ("Content-Encoding", "gzip")), "s");
        var withoutHeader = _ingestor.Ingest(Request("application/json", mangled), "s");

        foreach (var outcome in new[] { withHeader, withoutHeader })
        {
            Assert.Equal(400, outcome.Response.StatusCode);
            Assert.Contains("application/octet-stream", outcome.Response.Body, StringComparison.Ordinal);
            Assert.Contains("?format=", outcome.Response.Body, StringComparison.Ordinal);
            Assert.Empty(outcome.Messages);
        }
    }

    [Fact]
    public void Ingest_NotGzipButMarkedGzip_400()
    {
        var outcome = _ingestor.Ingest(Request("application/octet-stream", Encoding.UTF8.GetBytes("up 1"), "?format=prometheus", ("Content-Encoding", "gzip")), "s");

        Assert.Equal(400, outcome.Response.StatusCode);
        Assert.Contains("not valid gzip", outcome.Response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_GzipBomb_413BeforeInflatingItAll()
    {
        var ingestor = new MetricsIngestor(new ManualTime(Now), NullLogger<MetricsIngestor>.Instance, IngestLimits.Default with { MaxDecompressedBytes = 1024 * 1024 });
        var bomb = Gzip(new string(' ', 50 * 1024 * 1024)); // 50 MB of spaces: ~50 KB compressed

        var outcome = ingestor.Ingest(Request("application/octet-stream", bomb, "?format=influx", ("Content-Encoding", "gzip")), "s");

        Assert.Equal(413, outcome.Response.StatusCode);
        Assert.Contains("MaxDecompressedBytes", outcome.Response.Body, StringComparison.Ordinal);
        Assert.Empty(outcome.Messages);
    }

    [Fact]
    public void Ingest_BodyOverTheLimit_413()
    {
        var ingestor = new MetricsIngestor(new ManualTime(Now), NullLogger<MetricsIngestor>.Instance, IngestLimits.Default with { MaxBodyBytes = 1000 });

        var outcome = ingestor.Ingest(Request("text/plain", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("up value=1\n", 100)))), "s");

        Assert.Equal(413, outcome.Response.StatusCode);
        Assert.Contains("MaxBodyBytes", outcome.Response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/xml", null)]
    [InlineData(null, null)]
    [InlineData("application/octet-stream", null)]
    [InlineData("application/json", "br")]
    public void Ingest_UnsupportedMediaTypeOrEncoding_415(string? contentType, string? encoding)
    {
        var headers = encoding is null ? [] : new[] { ("Content-Encoding", encoding) };
        var outcome = _ingestor.Ingest(Request(contentType, "x"u8.ToArray(), headers: headers), "s");

        Assert.Equal(415, outcome.Response.StatusCode);
        Assert.Empty(outcome.Messages);
    }

    [Fact]
    public void Ingest_InvalidItem_WholeRequestRejectedWithEachError()
    {
        var body = """{"samples":[{"metric":"ok","value":1},{"metric":"bad","value":"x"},{"metric":"bad-name","value":2}]}""";

        var outcome = _ingestor.Ingest(Request("application/json", Encoding.UTF8.GetBytes(body)), "s");

        Assert.Equal(400, outcome.Response.StatusCode);
        Assert.Equal("application/problem+json; charset=utf-8", outcome.Response.Headers["Content-Type"]);
        Assert.Empty(outcome.Messages);
        using var problem = JsonDocument.Parse(outcome.Response.Body);
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("item").GetString(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([("samples[1]", "value"), ("samples[2]", "metric")], errors);
        Assert.Contains("?partial=true", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_PartialTrue_ValidItemsAcceptedAndRejectedListed()
    {
        var outcome = _ingestor.Ingest(Request("text/plain", "good value=1\nbad value=oops\n"u8.ToArray(), "?partial=true"), "s");

        Assert.Equal(202, outcome.Response.StatusCode);
        Assert.Single(outcome.Messages);
        using var answer = JsonDocument.Parse(outcome.Response.Body);
        Assert.Equal(1, answer.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(1, answer.RootElement.GetProperty("rejected").GetInt32());
        Assert.Equal(2, answer.RootElement.GetProperty("errors")[0].GetProperty("line").GetInt32());
    }

    [Fact]
    public void Ingest_InfluxPrecisionQuery_Applied()
    {
        var outcome = _ingestor.Ingest(Request("text/plain", "up value=1 1795000000"u8.ToArray(), "?precision=s"), "s");
        var bad = _ingestor.Ingest(Request("text/plain", "up value=1"u8.ToArray(), "?precision=minutes"), "s");

        Assert.Equal(202, outcome.Response.StatusCode);
        Assert.Equal(400, bad.Response.StatusCode);
    }

    [Fact]
    public void Ingest_MalformedCorpusOfEveryFormat_Never500AndNothingEnqueued()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "testdata", "ingest");
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal)).ToList();
        Assert.True(files.Count > 60);
        foreach (var file in files)
        {
            var format = Path.GetFileName(Path.GetDirectoryName(file))!;
            var outcome = _ingestor.Ingest(Request("application/octet-stream", File.ReadAllBytes(file), "?format=" + format), "s");

            Assert.True(outcome.Response.StatusCode is 400 or 413, $"{file}: {outcome.Response.StatusCode}");
            Assert.Empty(outcome.Messages);
        }
    }

    [Fact]
    public void Ingest_RandomBytes_Never500()
    {
        var random = new Random(42);
        foreach (var contentType in new[] { "application/json", "text/plain", "text/plain; version=0.0.4" })
        {
            for (var i = 0; i < 300; i++)
            {
                var bytes = new byte[random.Next(1, 400)];
                random.NextBytes(bytes);
                var outcome = _ingestor.Ingest(Request(contentType, bytes), "s");
                Assert.True(outcome.Response.StatusCode is 202 or 400, $"{contentType}: {outcome.Response.StatusCode}");
            }
        }
    }

    public static HttpTriggerRequest Request(string? contentType, byte[] body, string query = "", params (string Name, string Value)[] headers)
    {
        var all = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (contentType is not null)
        {
            all["Content-Type"] = [contentType];
        }

        foreach (var (name, value) in headers)
        {
            all[name] = [value];
        }

        return new HttpTriggerRequest("POST", new Uri("http://localhost:7071/api/metrics" + query), all, new Dictionary<string, string>(), body);
    }

    public static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}
