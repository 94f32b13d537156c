using System.Text.RegularExpressions;
using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;

namespace Vigil.Domain.Probes;

/// <summary>
/// Reads <c>probes</c>. Declares each probe name (kind <c>probe</c>) so <c>status: { probe: x }</c> rules can refer to it.
/// The probe runner itself belongs to the probes area (issue "Health probes"), which refines this reader.
/// </summary>
public sealed partial class ProbesSection : IConfigSection
{
    public static readonly ConfigShape ProbeShape = new("probe", "name", "http", "tcp", "dns", "tls", "every", "timeout", "failureThreshold", "successThreshold");
    public static readonly ConfigShape HttpShape = new("probeHttp", "url", "method", "headers", "expectStatus", "bodyContains", "bodyMatches", "json", "maxLatency", "followRedirects", "tlsVerify");
    public static readonly ConfigShape JsonCheckShape = new("probeHttpJson", "path", "equals");
    public static readonly ConfigShape TcpShape = new("probeTcp", "host", "port");
    public static readonly ConfigShape DnsShape = new("probeDns", "name", "expect");
    public static readonly ConfigShape TlsShape = new("probeTls", "host", "port", "warnDays", "criticalDays");

    private static readonly string[] Kinds = ["http", "tcp", "dns", "tls"];
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    public string Key => "probes";

    public int Order => 10;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder)
    {
        var items = context.List(node, Key, "probes");
        if (items is null)
        {
            return;
        }

        foreach (var (itemNode, path) in items)
        {
            var probe = context.Object(itemNode, path, ProbeShape, "a probe");
            if (probe is null)
            {
                continue;
            }

            var name = probe.Name("name", required: true);
            if (name is not null && context.DeclareName("probe", name, probe.PathOf("name"), probe.Mapping.Get("name")!))
            {
                builder.AddObject("probe", name, itemNode);
            }

            var every = probe.Duration("every", min: TimeSpan.FromSeconds(1), max: TimeSpan.FromDays(1)) ?? TimeSpan.FromSeconds(30);
            var timeout = probe.Duration("timeout", min: TimeSpan.FromMilliseconds(100), max: TimeSpan.FromMinutes(5)) ?? TimeSpan.FromSeconds(10);
            var failures = probe.Integer("failureThreshold", min: 1, max: 100) ?? 1;
            var successes = probe.Integer("successThreshold", min: 1, max: 100) ?? 1;
            var target = ReadTarget(probe);
            if (name is not null && target is not null && !context.HasErrors)
            {
                builder.Probes.Add(new ProbeDefinition(name, target, every, timeout, failures, successes));
            }
        }
    }

    private static ProbeTarget? ReadTarget(ObjectReader probe)
    {
        var present = Kinds.Where(probe.Has).ToList();
        if (present.Count == 0)
        {
            probe.Missing("http", "a probe needs exactly one of http, tcp, dns or tls");
            return null;
        }

        if (present.Count > 1)
        {
            probe.ErrorAtKey(present[1], $"A probe has exactly one kind, but this one has {string.Join(" and ", present)}; split it into {present.Count} probes.");
            return null;
        }

        return present[0] switch
        {
            "http" => ReadHttp(probe.Object("http", HttpShape, "the http check")),
            "tcp" => ReadTcp(probe.Object("tcp", TcpShape, "the tcp check")),
            "dns" => ReadDns(probe.Object("dns", DnsShape, "the dns check")),
            _ => ReadTls(probe.Object("tls", TlsShape, "the tls check")),
        };
    }

    private static HttpProbeTarget? ReadHttp(ObjectReader? http)
    {
        if (http is null)
        {
            return null;
        }

        var urlText = http.String("url", required: true, hint: "the absolute http(s) URL to request");
        Uri? url = null;
        if (urlText is not null && (!Uri.TryCreate(urlText, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
        {
            http.Error("url", $"'{urlText}' is not an absolute http:// or https:// URL.");
            url = null;
        }

        var method = http.OneOf("method", Methods) ?? "GET";
        var headers = http.StringMap("headers", labelNames: false);
        var expect = http.StringList("expectStatus");
        if (expect is not null)
        {
            foreach (var (value, node, path) in expect)
            {
                if (!StatusPattern().IsMatch(value))
                {
                    http.Context.Error(path, node, $"'{value}' is not a status code (200) or a class (2xx).");
                }
            }
        }

        var bodyMatches = http.String("bodyMatches");
        if (bodyMatches is not null)
        {
            try
            {
                _ = new Regex(bodyMatches, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                http.Error("bodyMatches", $"Not a valid regular expression: {ex.Message}");
            }
        }

        var json = http.Object("json", JsonCheckShape, "the JSON check");
        var jsonPath = json?.String("path", required: true, hint: "a JSON path such as $.status");
        if (jsonPath is not null && !jsonPath.StartsWith('$'))
        {
            json!.Error("path", $"'{jsonPath}' is not a JSON path: start with $ (e.g. $.checks.database.status).");
        }

        var jsonEquals = json?.String("equals", required: true, hint: "the expected value");
        var target = new HttpProbeTarget(
            url ?? new Uri("http://invalid.invalid/"),
            method,
            headers?.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase) ?? [],
            expect?.Select(e => e.Value).ToList() ?? ["2xx"],
            http.String("bodyContains"),
            bodyMatches,
            jsonPath,
            jsonEquals,
            http.Duration("maxLatency", min: TimeSpan.FromMilliseconds(1)),
            http.Boolean("followRedirects") ?? false,
            http.Boolean("tlsVerify") ?? true);
        return url is null ? null : target;
    }

    private static TcpProbeTarget? ReadTcp(ObjectReader? tcp)
    {
        var host = tcp?.String("host", required: true, hint: "a host name or IP address");
        var port = tcp?.Integer("port", required: true, min: 1, max: 65535);
        return host is not null && port is not null ? new TcpProbeTarget(host, port.Value) : null;
    }

    private static DnsProbeTarget? ReadDns(ObjectReader? dns)
    {
        var name = dns?.String("name", required: true, hint: "the host name to resolve");
        var expect = dns?.StringList("expect");
        return name is not null ? new DnsProbeTarget(name, expect?.Select(e => e.Value).ToList() ?? []) : null;
    }

    private static TlsProbeTarget? ReadTls(ObjectReader? tls)
    {
        var host = tls?.String("host", required: true, hint: "the host whose certificate is checked");
        var port = tls?.Integer("port", min: 1, max: 65535) ?? 443;
        var warn = tls?.Integer("warnDays", min: 0, max: 3650) ?? 21;
        var critical = tls?.Integer("criticalDays", min: 0, max: 3650) ?? 7;
        if (tls is not null && critical > warn)
        {
            tls.Error("criticalDays", $"criticalDays ({critical}) is larger than warnDays ({warn}); the critical limit comes after the warning.");
        }

        return host is not null ? new TlsProbeTarget(host, port, warn, critical) : null;
    }

    [GeneratedRegex("^([1-5][0-9][0-9]|[1-5]xx)$", RegexOptions.CultureInvariant)]
    private static partial Regex StatusPattern();
}

/// <summary>Reads <c>heartbeats</c>; declares each name (kind <c>heartbeat</c>) for status rules.</summary>
public sealed class HeartbeatsSection : IConfigSection
{
    public static readonly ConfigShape HeartbeatShape = new("heartbeat", "name", "expectEvery", "grace");

    public string Key => "heartbeats";

    public int Order => 10;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder)
    {
        var items = context.List(node, Key, "heartbeats");
        if (items is null)
        {
            return;
        }

        foreach (var (itemNode, path) in items)
        {
            var heartbeat = context.Object(itemNode, path, HeartbeatShape, "a heartbeat");
            if (heartbeat is null)
            {
                continue;
            }

            var name = heartbeat.Name("name", required: true);
            if (name is not null && context.DeclareName("heartbeat", name, heartbeat.PathOf("name"), heartbeat.Mapping.Get("name")!))
            {
                builder.AddObject("heartbeat", name, itemNode);
            }

            var every = heartbeat.Duration("expectEvery", required: true, min: TimeSpan.FromSeconds(10), max: TimeSpan.FromDays(31));
            var grace = heartbeat.Duration("grace", max: TimeSpan.FromDays(31)) ?? TimeSpan.Zero;
            if (name is not null && every is not null)
            {
                builder.Heartbeats.Add(new HeartbeatDefinition(name, every.Value, grace));
            }
        }
    }
}
