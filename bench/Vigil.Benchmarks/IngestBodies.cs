using System.Globalization;
using System.Text;

namespace Vigil.Benchmarks;

/// <summary>Realistic request bodies: 10,000 samples over a configurable number of series, as clients send them.</summary>
public static class IngestBodies
{
    public const long Now = 1_795_000_000_000;

    private static readonly string[] Routes = ["/orders", "/orders/{id}", "/customers", "/customers/{id}/invoices", "/health", "/login", "/search", "/cart"];
    private static readonly string[] Statuses = ["200", "201", "204", "400", "404", "500"];

    /// <summary>JSON: per-request latency observations with service/route/status labels and RFC 3339 timestamps.</summary>
    public static byte[] Json(int samples, int series)
    {
        var builder = new StringBuilder("{\"samples\":[");
        for (var i = 0; i < samples; i++)
        {
            var s = i % series;
            var time = DateTimeOffset.FromUnixTimeMilliseconds(Now - 60_000 + (i % 60_000)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            builder.Append(i == 0 ? string.Empty : ",")
                .Append(CultureInfo.InvariantCulture, $"{{\"metric\":\"http_request_duration_seconds\",\"labels\":{{\"service\":\"svc{s / 48}\",\"route\":\"{Routes[s % 8]}\",\"status\":\"{Statuses[(s / 8) % 6]}\"}},\"value\":{0.001 + (i % 997 / 1000.0)},\"timestamp\":\"{time}\",\"kind\":\"gauge\"}}");
        }

        return Encoding.UTF8.GetBytes(builder.Append("]}").ToString());
    }

    /// <summary>Influx: LUNA-style request points: tags service/route/status_code, fields execution_time, request_id (string), nanosecond timestamps.</summary>
    public static byte[] Influx(int lines, int series)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            var s = i % series;
            builder.Append(CultureInfo.InvariantCulture, $"requests,service=luna-builder{s / 48},route=POST:{Routes[s % 8]},status_code={Statuses[(s / 8) % 6]} execution_time={0.001 + (i % 997 / 1000.0)},request_id=\"{i:x8}-req\" {(Now - 60_000 + (i % 60_000)) * 1_000_000}\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>Prometheus: a client library page: counters with labels and a histogram, ms timestamps.</summary>
    public static byte[] Prometheus(int lines, int series)
    {
        var builder = new StringBuilder();
        builder.Append("# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n");
        var written = 0;
        var histogramSeries = Math.Max(1, series / 10);
        var counterLines = lines - (histogramSeries * 12);
        for (var i = 0; i < counterLines; i++, written++)
        {
            var s = i % (series - histogramSeries);
            builder.Append(CultureInfo.InvariantCulture, $"http_requests_total{{service=\"svc{s / 48}\",route=\"{Routes[s % 8]}\",code=\"{Statuses[(s / 8) % 6]}\"}} {1000 + i} {Now - 60_000 + (i % 60_000)}\n");
        }

        builder.Append("# HELP request_seconds Latency.\n# TYPE request_seconds histogram\n");
        double[] bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
        for (var h = 0; h < histogramSeries; h++)
        {
            var cumulative = 0;
            foreach (var bound in bounds)
            {
                cumulative += 10;
                builder.Append(CultureInfo.InvariantCulture, $"request_seconds_bucket{{route=\"{Routes[h % 8]}\",pod=\"p{h}\",le=\"{bound}\"}} {cumulative} {Now - 1000}\n");
            }

            builder.Append(CultureInfo.InvariantCulture, $"request_seconds_bucket{{route=\"{Routes[h % 8]}\",pod=\"p{h}\",le=\"+Inf\"}} {cumulative} {Now - 1000}\n");
            builder.Append(CultureInfo.InvariantCulture, $"request_seconds_sum{{route=\"{Routes[h % 8]}\",pod=\"p{h}\"}} 12.5 {Now - 1000}\n");
            written += 12;
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
