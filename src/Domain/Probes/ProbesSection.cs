using System.Text;
using System.Text.RegularExpressions;
using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Probes.Addresses;
using Vigil.Domain.Probes.Checks;
using Vigil.Domain.Time;

namespace Vigil.Domain.Probes;

/// <summary>
/// Reads <c>probes</c>: one probe per item with exactly one of <c>http</c>, <c>tcp</c>, <c>dns</c> or <c>tls</c>.
/// Declares each probe name (kind <c>probe</c>) so <c>status: { probe: x }</c> rules can refer to it. Everything a
/// run needs is checked here (URLs, header names, regular expressions, JSON paths, addresses, limits that
/// contradict each other), so a probe that is accepted can run.
/// </summary>
public sealed partial class ProbesSection : IConfigSection
{
    public static readonly ConfigShape ProbeShape = new(
        "probe", "name", "http", "tcp", "dns", "tls", "every", "timeout", "failureThreshold", "successThreshold", "allowPrivate", "allowLinkLocal");

    public static readonly ConfigShape HttpShape = new(
        "probeHttp", "url", "method", "headers", "body", "expectStatus", "bodyContains", "bodyMatches", "json", "maxLatency", "followRedirects", "tlsVerify");

    public static readonly ConfigShape JsonCheckShape = new("probeHttpJson", "path", "equals");
    public static readonly ConfigShape TcpShape = new("probeTcp", "host", "port");
    public static readonly ConfigShape DnsShape = new("probeDns", "name", "expect");
    public static readonly ConfigShape TlsShape = new("probeTls", "host", "port", "warnDays", "criticalDays", "verify");

    public static readonly TimeSpan DefaultEvery = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MinEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxEvery = TimeSpan.FromDays(1);
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);
    /// <summary>A RunProbes tick starts probes for at most 2 minutes; with this, it ends within the host's 5-minute function timeout.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Headers the HTTP client sets itself (framing and connection management): a probe may not set them.</summary>
    public static readonly IReadOnlySet<string> ReservedHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Connection",
    };

    private static readonly string[] Kinds = ["http", "tcp", "dns", "tls"];
    private static readonly string[] AddressKeys = ["allowPrivate", "allowLinkLocal"];
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    private static readonly string[] MethodsWithBody = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

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
            var errorsBefore = context.Errors.Count;
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

            var every = probe.Duration("every", min: MinEvery, max: MaxEvery) ?? DefaultEvery;
            var givenTimeout = probe.Duration("timeout", min: MinTimeout, max: MaxTimeout);
            if (givenTimeout is { } t && t > every)
            {
                probe.Error("timeout", $"The timeout ({DurationText.Format(t)}) is longer than every ({DurationText.Format(every)}): a run must end before the next one is due.");
            }

            var timeout = givenTimeout ?? (every < DefaultTimeout ? every : DefaultTimeout);
            var failures = probe.Integer("failureThreshold", min: 1, max: 100) ?? 1;
            var successes = probe.Integer("successThreshold", min: 1, max: 100) ?? 1;
            var allowPrivate = probe.Boolean("allowPrivate") ?? false;
            var allowLinkLocal = probe.Boolean("allowLinkLocal") ?? false;
            var target = ReadTarget(probe, timeout);
            if (target is DnsProbeTarget)
            {
                foreach (var key in AddressKeys.Where(probe.Mapping.Contains))
                {
                    probe.ErrorAtKey(key, $"'{key}' does not apply to dns probes: they resolve a name and connect to nothing.");
                }
            }

            if (name is not null && target is not null && context.Errors.Count == errorsBefore)
            {
                builder.Probes.Add(new ProbeDefinition(name, target, every, timeout, failures, successes, allowPrivate, allowLinkLocal));
            }
        }
    }

    private static ProbeTarget? ReadTarget(ObjectReader probe, TimeSpan timeout)
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
            "http" => ReadHttp(probe.Object("http", HttpShape, "the http check"), timeout),
            "tcp" => ReadTcp(probe.Object("tcp", TcpShape, "the tcp check")),
            "dns" => ReadDns(probe.Object("dns", DnsShape, "the dns check")),
            _ => ReadTls(probe.Object("tls", TlsShape, "the tls check")),
        };
    }

    private static HttpProbeTarget? ReadHttp(ObjectReader? http, TimeSpan timeout)
    {
        if (http is null)
        {
            return null;
        }

        var errorsBefore = http.Context.Errors.Count;
        var url = ReadUrl(http);
        var method = http.OneOf("method", Methods) ?? "GET";
        var headers = ReadHeaders(http);
        var body = http.String("body");
        if (body is not null && !MethodsWithBody.Contains(method, StringComparer.Ordinal))
        {
            http.Error("body", $"A {method} request sends no body; use POST, PUT, PATCH or DELETE, or remove the body.");
        }
        else if (body is not null && Encoding.UTF8.GetByteCount(body) > HttpProbeTarget.MaxBodyBytes)
        {
            http.Error("body", "The request body is larger than 64 KB.");
        }

        var expect = ReadExpectStatus(http);
        var bodyMatches = ReadRegex(http, "bodyMatches");
        var json = ReadJsonCheck(http.Object("json", JsonCheckShape, "the JSON check"));
        var maxLatency = http.Duration("maxLatency", min: TimeSpan.FromMilliseconds(1));
        if (maxLatency is { } latency && latency >= timeout)
        {
            http.Error("maxLatency", $"maxLatency ({DurationText.Format(latency)}) is not shorter than the probe's timeout ({DurationText.Format(timeout)}): the probe would time out before it could be slow.");
        }

        var target = new HttpProbeTarget(
            url ?? new Uri("http://invalid.invalid/"),
            method,
            headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
            body,
            expect ?? StatusCodeSet.Success,
            http.String("bodyContains"),
            bodyMatches,
            json,
            maxLatency,
            http.Boolean("followRedirects") ?? false,
            http.Boolean("tlsVerify") ?? true);
        return http.Context.Errors.Count == errorsBefore ? target : null;
    }

    private static Uri? ReadUrl(ObjectReader http)
    {
        var text = http.String("url", required: true, hint: "the absolute http(s) URL to request");
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            http.Error("url", $"'{text}' is not an absolute http:// or https:// URL.");
            return null;
        }

        if (url.UserInfo.Length > 0)
        {
            http.Error("url", "The URL holds credentials (user:password@), which are not sent; put them in headers instead (Authorization: Basic ..., preferably as %APP_SETTING%).");
            return null;
        }

        if (url.Fragment.Length > 0)
        {
            http.Error("url", $"The fragment '{url.Fragment}' is never sent to the server; remove it.");
            return null;
        }

        return url;
    }

    private static Dictionary<string, string>? ReadHeaders(ObjectReader http)
    {
        var map = http.StringMap("headers", labelNames: false);
        if (map is null)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value, node, path) in map)
        {
            if (!HeaderName().IsMatch(name))
            {
                http.Context.Error(path, node, $"'{name}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~).");
            }
            else if (ReservedHeaders.Contains(name))
            {
                http.Context.Error(path, node, $"'{name}' is set by Vigil's HTTP client; a probe cannot set it.");
            }
            else if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                http.Context.Error(path, node, "A header value cannot hold line breaks or NUL.");
            }
            else if (!headers.TryAdd(name, value))
            {
                http.Context.Error(path, node, $"The header '{name}' is given twice (header names are case-insensitive).");
            }
        }

        return headers;
    }

    private static StatusCodeSet? ReadExpectStatus(ObjectReader http)
    {
        var items = http.StringList("expectStatus");
        if (items is null)
        {
            return null;
        }

        if (!StatusCodeSet.TryParse([.. items.Select(i => i.Value)], out var set, out var bad, out var reason))
        {
            if (bad < 0)
            {
                http.Error("expectStatus", reason);
            }
            else
            {
                http.Context.Error(items[bad].Path, items[bad].Node, reason);
            }

            return null;
        }

        return set;
    }

    private static Regex? ReadRegex(ObjectReader http, string key)
    {
        var pattern = http.String(key);
        if (pattern is null)
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, HttpCheck.RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            http.Error(key, $"Not a valid regular expression: {ex.Message}");
        }
        catch (NotSupportedException ex)
        {
            http.Error(key, $"Vigil runs regular expressions without backtracking (so a response cannot make a probe hang), which this one needs: {ex.Message}");
        }

        return null;
    }

    private static JsonCheck? ReadJsonCheck(ObjectReader? json)
    {
        if (json is null)
        {
            return null;
        }

        var pathText = json.String("path", required: true, hint: "a JSON path such as $.status");
        JsonPath? path = null;
        if (pathText is not null && !JsonPath.TryParse(pathText, out path, out var error))
        {
            json.Error("path", error);
            path = null;
        }

        string? expected = null;
        if (!json.Has("equals"))
        {
            json.Missing("equals", "the value expected at the path (text, number or boolean)");
        }
        else if (json.Node("equals") is ConfigScalar scalar)
        {
            expected = scalar.Kind == ScalarKind.Boolean ? scalar.Text.ToLowerInvariant() : scalar.Text;
        }
        else
        {
            json.Error("equals", $"Expected a text, number or boolean to compare with, found {json.Node("equals")!.Describe()}.");
        }

        return path is not null && expected is not null ? new JsonCheck(path, expected) : null;
    }

    private static TcpProbeTarget? ReadTcp(ObjectReader? tcp)
    {
        var host = ReadHost(tcp, "host", "the host name or IP address to connect to");
        var port = tcp?.Integer("port", required: true, min: 1, max: 65535);
        return host is not null && port is not null ? new TcpProbeTarget(host, port.Value) : null;
    }

    private static DnsProbeTarget? ReadDns(ObjectReader? dns)
    {
        if (dns is null)
        {
            return null;
        }

        var name = ReadHost(dns, "name", "the host name to resolve");
        if (name is not null && IpAddressValue.TryParse(name, out _))
        {
            dns.Error("name", $"'{name}' is an IP address: there is nothing to resolve. Give a host name, or probe the address with tcp.");
            name = null;
        }

        var items = dns.StringList("expect");
        var expect = new List<IpAddressValue>();
        var ok = items is not null || !dns.Has("expect");
        foreach (var (value, node, path) in items ?? [])
        {
            if (!IpAddressValue.TryParse(value, out var address))
            {
                dns.Context.Error(path, node, $"'{value}' is not an IPv4 or IPv6 address (write 203.0.113.10 or 2001:db8::10; no leading zeros, no zone).");
                ok = false;
            }
            else if (expect.Contains(address))
            {
                dns.Context.Error(path, node, $"{address} is listed twice.");
                ok = false;
            }
            else
            {
                expect.Add(address);
            }
        }

        return name is not null && ok ? new DnsProbeTarget(name, expect) : null;
    }

    private static TlsProbeTarget? ReadTls(ObjectReader? tls)
    {
        if (tls is null)
        {
            return null;
        }

        var host = ReadHost(tls, "host", "the host whose certificate is checked");
        var port = tls.Integer("port", min: 1, max: 65535) ?? 443;
        var warn = tls.Integer("warnDays", min: 0, max: 3650) ?? 21;
        var critical = tls.Integer("criticalDays", min: 0, max: 3650) ?? 7;
        var verify = tls.Boolean("verify") ?? true;
        if (critical > warn)
        {
            tls.Error("criticalDays", $"criticalDays ({critical}) is larger than warnDays ({warn}); the critical limit comes after the warning.");
            return null;
        }

        return host is not null ? new TlsProbeTarget(host, port, warn, critical, verify) : null;
    }

    /// <summary>A host name or an IP address literal (IPv6 with or without brackets); null with an error otherwise.</summary>
    private static string? ReadHost(ObjectReader? reader, string key, string hint)
    {
        var text = reader?.String(key, required: true, hint: hint);
        if (reader is null || text is null)
        {
            return null;
        }

        if (IpAddressValue.TryParse(text, out var address))
        {
            return address.ToString();
        }

        string? problem = null;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            problem = $"'{text}' is a URL; write the host name only (e.g. db.internal.example.com).";
        }
        else if (text.Contains(':', StringComparison.Ordinal))
        {
            problem = $"'{text}' is not a host name; write the port separately (port: 5432), and IPv6 addresses in full.";
        }
        else if (text.Contains('/', StringComparison.Ordinal))
        {
            problem = $"'{text}' is not a host name; write the host only, without a path.";
        }
        else if (LooksLikeIPv4().IsMatch(text))
        {
            problem = $"'{text}' is not a valid IPv4 address (four numbers 0 to 255, without leading zeros).";
        }
        else if (!IsHostName(text))
        {
            problem = $"'{text}' is not a valid host name (labels of letters, digits, '-' and '_', at most 63 characters each, 253 in all).";
        }

        if (problem is not null)
        {
            reader.Error(key, problem);
            return null;
        }

        return text;
    }

    private static bool IsHostName(string text)
    {
        var name = text.EndsWith('.') ? text[..^1] : text;
        return name.Length is > 0 and <= 253 && name.Split('.').All(label => HostLabel().IsMatch(label));
    }

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostLabel();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+){3}$", RegexOptions.CultureInvariant)]
    private static partial Regex LooksLikeIPv4();
}
