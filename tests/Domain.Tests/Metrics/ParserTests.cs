using System.Text;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Tests.Metrics;

public sealed class ParserTests
{
    private const long Now = SampleGenerators.Now;
    private static readonly IngestOptions Options = new(Now);

    [Fact]
    public void Json_OptionalFields_DefaultToGaugeAtTheTimeReceived()
    {
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"up","value":1}]}"""u8, Options);

        var sample = Assert.Single(batch.ToSamples());
        Assert.Equal(new Sample("up", LabelSet.Empty, 1, Now, MetricKind.Gauge), sample);
    }

    [Fact]
    public void Json_TimestampWithOffsetAndNanoseconds_ConvertedToUtcMilliseconds()
    {
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"up","value":1,"timestamp":"2026-11-18T12:06:00.123456789+01:00"}]}"""u8, Options);

        Assert.Equal(DateTimeOffset.Parse("2026-11-18T11:06:00.123Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), Assert.Single(batch.ToSamples()).TimestampMs);
    }

    [Fact]
    public void Json_ExtraLabels_OverrideTheClientsSourceLabel()
    {
        var options = Options with { ExtraLabels = LabelSet.From(("source", "billing")) };
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"up","value":1,"labels":{"source":"spoofed","env":"prod"}}]}"""u8, options);

        Assert.Equal(LabelSet.From(("env", "prod"), ("source", "billing")), Assert.Single(batch.ToSamples()).Labels);
    }

    [Fact]
    public void Json_EmptyLabelValue_IsDropped()
    {
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"up","value":1,"labels":{"env":""}}]}"""u8, Options);

        Assert.Equal(LabelSet.Empty, Assert.Single(batch.ToSamples()).Labels);
    }

    [Fact]
    public void Json_SameSeriesLabelsInAnotherOrder_OneSeries()
    {
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"m","value":1,"labels":{"a":"1","b":"2"}},{"metric":"m","value":2,"labels":{"b":"2","a":"1"}}]}"""u8, Options);

        Assert.Single(batch.Series);
        Assert.Equal(2, batch.AcceptedCount);
    }

    [Fact]
    public void Json_SomeInvalidSamples_OthersAcceptedAndErrorsListed()
    {
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"ok","value":1},{"metric":"bad","value":"x"},{"metric":"ok2","value":2}]}"""u8, Options);

        Assert.Equal(2, batch.AcceptedCount);
        Assert.Equal("samples[1]", Assert.Single(batch.Errors).Item);
    }

    [Fact]
    public void Json_MoreSamplesThanTheLimit_FailsTooLarge()
    {
        var options = Options with { Limits = IngestLimits.Default with { MaxSamplesPerRequest = 2 } };
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"a","value":1},{"metric":"a","value":2},{"metric":"a","value":3}]}"""u8, options);

        Assert.Equal(IngestFailureKind.TooLarge, batch.Failure!.Kind);
        Assert.Contains("MaxSamplesPerRequest", batch.Failure.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_MoreSeriesThanTheLimit_FailsTooLarge()
    {
        var options = Options with { Limits = IngestLimits.Default with { MaxSeriesPerRequest = 1 } };
        var batch = JsonSampleParser.Parse("""{"samples":[{"metric":"a","value":1},{"metric":"b","value":2}]}"""u8, options);

        Assert.Equal(IngestFailureKind.TooLarge, batch.Failure!.Kind);
        Assert.Contains("MaxSeriesPerRequest", batch.Failure.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Influx_FieldTypesTagsAndStrings_BecomeGaugesPerNumericField()
    {
        var body = "requests,service=api,route=/orders execution_time=0.25,status_code=200i,ok=true,big=18446744073709551615u,request_id=\"r-1\" 1795000000000000000\n";
        var batch = InfluxLineParser.Parse(Encoding.UTF8.GetBytes(body), Options);

        var labels = LabelSet.From(("route", "/orders"), ("service", "api"));
        Assert.Equal(
            [
                new Sample("requests_execution_time", labels, 0.25, 1_795_000_000_000, MetricKind.Gauge),
                new Sample("requests_status_code", labels, 200, 1_795_000_000_000, MetricKind.Gauge),
                new Sample("requests_ok", labels, 1, 1_795_000_000_000, MetricKind.Gauge),
                new Sample("requests_big", labels, 18446744073709551615d, 1_795_000_000_000, MetricKind.Gauge),
            ],
            batch.ToSamples());
    }

    [Fact]
    public void Influx_Escapes_Unescaped()
    {
        var body = "disk\\ io\\,x,path=C:\\\\data\\ dir,k\\=ey=v\\,1 rea\\ d=1 1795000000\n";
        var batch = InfluxLineParser.Parse(Encoding.UTF8.GetBytes(body), Options with { Precision = InfluxPrecision.Seconds });

        var sample = Assert.Single(batch.ToSamples());
        Assert.Equal("disk_io_x_rea_d", sample.Metric);
        Assert.Equal(LabelSet.From(("path", "C:\\\\data dir"), ("k_ey", "v,1")), sample.Labels);
        Assert.Equal(1_795_000_000_000, sample.TimestampMs);
    }

    [Theory]
    [InlineData("s", "1795000000")]
    [InlineData("ms", "1795000000000")]
    [InlineData("us", "1795000000000000")]
    [InlineData("ns", "1795000000000000000")]
    public void Influx_Precision_ScalesTimestamps(string precision, string timestamp)
    {
        Assert.True(IngestOptions.TryParsePrecision(precision, out var parsed));
        var batch = InfluxLineParser.Parse(Encoding.UTF8.GetBytes("m v=1 " + timestamp), Options with { Precision = parsed });

        Assert.Equal(1_795_000_000_000, Assert.Single(batch.ToSamples()).TimestampMs);
    }

    [Fact]
    public void Influx_CommentsBlankLinesAndCrLf_Skipped()
    {
        var batch = InfluxLineParser.Parse("# a comment\r\n\r\nm v=1\r\n  \nm v=2"u8, Options);

        Assert.Equal(2, batch.AcceptedCount);
        Assert.Equal(0, batch.ErrorCount);
    }

    [Fact]
    public void Influx_InvalidSecondFieldOnALine_NoSampleOfThatLine()
    {
        var batch = InfluxLineParser.Parse("m a=1,b=oops\nm a=2\n"u8, Options);

        Assert.Equal([2.0], batch.ToSamples().Select(s => s.Value));
        Assert.Equal(1, Assert.Single(batch.Errors).Line);
    }

    [Fact]
    public void Prometheus_ClientLibraryPage_AllFamilies()
    {
        var body = """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1795000000000
            http_requests_total{method="post",code="400"}    3 1795000000000
            # TYPE temperature gauge
            temperature{room="a \"b\" \\ c\nd"} -3.5
            # A normal comment
            untyped_thing 12
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{quantile="0.5"} 4773
            rpc_duration_seconds{quantile="0.99"} NaN
            rpc_duration_seconds_sum 1.7560473e+07
            rpc_duration_seconds_count 2693
            """u8;
        var batch = PrometheusTextParser.Parse(body, Options);

        Assert.Equal(0, batch.ErrorCount);
        var samples = batch.ToSamples();
        Assert.Equal(
            ["http_requests_total/Counter", "http_requests_total/Counter", "temperature/Gauge", "untyped_thing/Gauge", "rpc_duration_seconds/Gauge", "rpc_duration_seconds_sum/Counter", "rpc_duration_seconds_count/Counter"],
            samples.Select(s => s.Metric + "/" + s.Kind));
        Assert.Equal("a \"b\" \\ c\nd", samples[2].Labels.Get("room"));
        Assert.Equal(1.7560473e+07, samples[5].Value);
    }

    [Fact]
    public void Prometheus_Histogram_BaseSeriesHoldsCumulativeBuckets()
    {
        var body = """
            # TYPE request_seconds histogram
            request_seconds_bucket{route="/a",le="0.1"} 10
            request_seconds_bucket{route="/a",le="0.5"} 15
            request_seconds_bucket{route="/a",le="+Inf"} 17
            request_seconds_sum{route="/a"} 3.5
            request_seconds_count{route="/a"} 17
            request_seconds_bucket{route="/b",le="0.1"} 1
            request_seconds_bucket{route="/b",le="0.5"} 1
            request_seconds_bucket{route="/b",le="+Inf"} 1
            """u8;
        var batch = PrometheusTextParser.Parse(body, Options);

        Assert.Equal(0, batch.ErrorCount);
        Assert.Equal(2, batch.Histograms.Count);
        var a = batch.Histograms[0];
        Assert.Equal("request_seconds", batch.Series[a.Series].Metric);
        Assert.Equal(MetricKind.Histogram, batch.Series[a.Series].Kind);
        Assert.Equal(LabelSet.From(("route", "/a")), batch.Series[a.Series].Labels);
        Assert.Equal([0.1, 0.5, double.PositiveInfinity], a.UpperBounds);
        Assert.Equal([10.0, 15, 17], a.Snapshot.Cumulative);
        Assert.Equal(3.5, a.Snapshot.Sum);
        Assert.Equal(["request_seconds_sum", "request_seconds_count"], batch.ToSamples().Select(s => s.Metric));
    }

    [Fact]
    public void Prometheus_Timestamps_AreMilliseconds()
    {
        var batch = PrometheusTextParser.Parse("m 1 1795000000123\n"u8, Options);

        Assert.Equal(1_795_000_000_123, Assert.Single(batch.ToSamples()).TimestampMs);
    }

    [Fact]
    public void Prometheus_OpenMetricsStyleCounterName_TotalSuffixIsCounter()
    {
        var batch = PrometheusTextParser.Parse("# TYPE jobs counter\njobs_total 5\n"u8, Options);

        Assert.Equal(MetricKind.Counter, Assert.Single(batch.ToSamples()).Kind);
    }

    [Theory]
    [InlineData("2026-11-18T11:06:40Z", 1_795_000_000_000)]
    [InlineData("2026-11-18t11:06:40.5z", 1_795_000_000_500)]
    [InlineData("2026-11-18T11:06:40.123456Z", 1_795_000_000_123)]
    [InlineData("2026-11-18T06:06:40-05:00", 1_795_000_000_000)]
    [InlineData("1970-01-01T00:00:00Z", 0)]
    [InlineData("2024-02-29T00:00:00Z", 1_709_164_800_000)]
    public void Rfc3339_Valid_Parses(string text, long expected)
    {
        Assert.True(Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out var ms));
        Assert.Equal(expected, ms);
    }

    [Theory]
    [InlineData("2026-11-18 11:06:40")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("2026-11-18T24:00:00Z")]
    [InlineData("2026-11-18T11:06:40.Z")]
    [InlineData("2026-11-18T11:06:40.1234567890Z")]
    [InlineData("2026-11-18T11:06:40+0100")]
    [InlineData("2026-11-18T11:06:40Zjunk")]
    public void Rfc3339_Invalid_Rejected(string text) => Assert.False(Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out _));
}
