using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Compaction;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Domain.Metrics.Messages;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Metrics.Samples;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics.Store;
using Vigil.Functions.Storage;
using Vigil.Testing;
using Xunit.Abstractions;

namespace Vigil.EndToEnd.Tests;

/// <summary>The metrics pipeline through DevHost, the handler process and Azurite: ingest -> queue -> evaluator -> series API.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MetricsEndToEndTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly ITestOutputHelper _output;
    private LocalVigil _vigil = null!;

    public MetricsEndToEndTests(AzuriteFixture azurite, ITestOutputHelper output)
    {
        _azurite = azurite;
        _output = output;
    }

    public async Task InitializeAsync() => _vigil = await LocalVigil.StartAsync(_azurite);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private string IngestKey => _vigil.Host.IngestKey ?? throw new InvalidOperationException("DevHost registered no ingest key");

    public static TheoryData<string, string, string, string, bool> Formats() => new()
    {
        { "json", "application/json", """{"samples":[{"metric":"e2e_json","labels":{"test":"TAG"},"value":1.5,"kind":"gauge"}]}""", "e2e_json", false },
        { "influx", "text/plain", "e2e_influx,test=TAG load=0.5,status=\"ok\"", "e2e_influx_load", false },
        { "prometheus", "text/plain; version=0.0.4", "# TYPE e2e_prom_total counter\ne2e_prom_total{test=\"TAG\"} 42", "e2e_prom_total", false },
        { "prometheus", "application/octet-stream", "# TYPE e2e_gzip gauge\ne2e_gzip{test=\"TAG\"} 7", "e2e_gzip", true },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Ingest_EachFormat_AcceptedAndSeriesListedPromptly(string format, string contentType, string body, string metric, bool gzip)
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..10];
        var started = Stopwatch.StartNew();
        using var response = await PostMetricsAsync(body.Replace("TAG", tag, StringComparison.Ordinal), contentType, IngestKey, gzip ? "?format=" + format : string.Empty, gzip);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        JsonElement series = default;
        await LocalVigil.EventuallyAsync(async () =>
        {
            using var list = await _vigil.GetJsonAsync($"api/series?metric={metric}&match[]=test=\"{tag}\"", _vigil.Host.FunctionKey);
            var found = list.RootElement.GetProperty("series");
            series = found.GetArrayLength() == 1 ? found[0].Clone() : default;
            return found.GetArrayLength() == 1;
        }, TimeSpan.FromSeconds(10), $"{metric} listed");
        _output.WriteLine($"{format}{(gzip ? "+gzip" : string.Empty)}: listed {started.ElapsedMilliseconds} ms after the POST was sent");

        Assert.Equal("local", series.GetProperty("labels").GetProperty("source").GetString());
        Assert.True(series.GetProperty("lastValue").GetDouble() > 0);
    }

    [Fact]
    public async Task Ingest_BadBodies_PreciseErrorsAndNothingEnqueued()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..10];
        (string ContentType, string Body, string Item, string Field)[] cases =
        [
            ("application/json", $$"""{"samples":[{"metric":"e2e_bad","labels":{"test":"{{tag}}"},"value":1},{"metric":"e2e_bad","value":"NaN"}]}""", "samples[1]", "value"),
            ("text/plain", $"e2e_bad,test={tag} v=1\ne2e_bad,test={tag} v=1.2.3", "line 2", "fields.v"),
            ("text/plain; version=0.0.4", $"e2e_bad{{test=\"{tag}\"}} 1\ne2e_bad{{test=\"x\\q\"}} 2", "line 2", "labels.test"),
        ];
        foreach (var (contentType, body, item, field) in cases)
        {
            using var response = await PostMetricsAsync(body, contentType, IngestKey);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            using var problem = JsonDocument.Parse(text);
            var error = Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray());
            Assert.Equal(item, error.GetProperty("item").GetString());
            Assert.Equal(field, error.GetProperty("field").GetString());
        }

        using (var mangled = await PostMetricsAsync("e2e_bad 1", "text/plain", IngestKey, string.Empty, gzip: true))
        {
            Assert.Equal(HttpStatusCode.BadRequest, mangled.StatusCode);
            Assert.Contains("application/octet-stream", await mangled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A good request sent after the bad ones gets through; by then nothing of the bad ones has.
        using (var marker = await PostMetricsAsync($"e2e_marker,test={tag} v=1", "text/plain", IngestKey))
        {
            Assert.Equal(HttpStatusCode.Accepted, marker.StatusCode);
        }

        await LocalVigil.EventuallyAsync(async () => await CountSeriesAsync("e2e_marker_v", tag) == 1, TimeSpan.FromSeconds(10), "the marker series is listed");
        await Task.Delay(1000);
        Assert.Equal(0, await CountSeriesAsync("e2e_bad", tag));
        Assert.Equal(0, await CountSeriesAsync("e2e_bad_v", tag));
        Assert.Equal(0, await _vigil.Host.ServiceBus.GetDeadLetterCountAsync("metrics", CancellationToken.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("vgl_devhostlocal_wrong-secret-wrong-secret")]
    [InlineData("local-master-key-not-a-secret")]
    public async Task Ingest_MissingOrWrongKey_401(string? key)
    {
        using var response = await PostMetricsAsync("e2e_auth v=1", "text/plain", key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("devhostlocal", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateMetrics_RedeliveredMessage_NotCountedTwice()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..10];
        var now = DateTimeOffset.UtcNow;
        var batch = InfluxLineParser.Parse(
            Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 10).Select(i => $"e2e_redelivery,test={tag} v={i} {now.ToUnixTimeMilliseconds() - (i * 1000)}"))),
            new IngestOptions(now.ToUnixTimeMilliseconds()) { Precision = InfluxPrecision.Milliseconds });
        var message = Assert.Single(MessageSplitter.Split(RequestCompactor.Compact(batch), "e2e-" + tag));
        var body = JsonSerializer.Serialize(message, VigilJson.Options);

        // The same message delivered three times (as Service Bus does after a lost lock or a failed completion).
        for (var i = 0; i < 3; i++)
        {
            await _vigil.Host.ServiceBus.SendAsync("metrics", body, "application/json", CancellationToken.None);
        }

        await LocalVigil.EventuallyAsync(async () => await CountSeriesAsync("e2e_redelivery_v", tag) == 1, TimeSpan.FromSeconds(10), "listed");
        // The count includes locked messages. An earlier test's DevHost may have stopped while its evaluator held messages
        // for a busy series' flush point (the series store paces writes: docs/architecture.md, "Cost"); DevHost stops
        // without draining, so those stay locked until their 1-minute lock expires and are then redelivered here.
        await LocalVigil.EventuallyAsync(async () => await _vigil.Host.ServiceBus.GetActiveCountAsync("metrics", CancellationToken.None) == 0, TimeSpan.FromSeconds(90), "queue drained");
        await Task.Delay(500);

        var query = new SeriesQueryService(new VigilTables(_azurite.StorageConnection.CreateTableServiceClient()));
        var selector = new SeriesSelector("e2e_redelivery_v", [LabelMatcher.Create("test", MatchOperator.Equal, tag)]);
        var count = Assert.Single(await query.QueryAsync(selector, Aggregation.Parse("count"), TimeSpan.FromMinutes(5), [], DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(10, count.Value);
    }

    private async Task<int> CountSeriesAsync(string metric, string tag)
    {
        using var list = await _vigil.GetJsonAsync($"api/series?metric={metric}&match[]=test=\"{tag}\"", _vigil.Host.FunctionKey);
        return list.RootElement.GetProperty("series").GetArrayLength();
    }

    private async Task<HttpResponseMessage> PostMetricsAsync(string body, string contentType, string? key, string query = "", bool gzip = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/metrics" + query);
        var bytes = Encoding.UTF8.GetBytes(body);
        if (gzip)
        {
            using var output = new MemoryStream();
            using (var zip = new GZipStream(output, CompressionLevel.Fastest))
            {
                zip.Write(bytes);
            }

            bytes = output.ToArray();
        }

        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await _vigil.Client.SendAsync(request);
    }
}
