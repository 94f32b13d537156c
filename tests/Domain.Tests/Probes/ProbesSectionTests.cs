using Vigil.Domain.Configuration;
using Vigil.Domain.Probes;

namespace Vigil.Domain.Tests.Probes;

public sealed class ProbesSectionTests
{
    private static VigilConfig Load(string text)
    {
        var result = ConfigReader.Load(text);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Config!;
    }

    [Fact]
    public void Load_EveryField_IsRead()
    {
        var config = Load(File.ReadAllText(RepositoryPaths.TestData("config", "valid", "probes-every-field.yaml")));

        var api = config.Probes[0];
        var http = Assert.IsType<HttpProbeTarget>(api.Target);
        Assert.Equal(new Uri("https://api.example.com/health?verbose=1"), http.Url);
        Assert.Equal("POST", http.Method);
        Assert.Equal("Bearer %API_TOKEN%", http.Headers["authorization"]);
        Assert.Equal("{\"deep\":true}", http.Body);
        Assert.True(http.ExpectStatus.Contains(302));
        Assert.True(http.ExpectStatus.Contains(404));
        Assert.False(http.ExpectStatus.Contains(405));
        Assert.Equal("\"status\":\"healthy\"", http.BodyContains);
        Assert.Matches(http.BodyMatches!, "version: 3");
        Assert.Equal("$.checks.database.status", http.Json!.Path.Text);
        Assert.Equal("healthy", http.Json.Expected);
        Assert.Equal(TimeSpan.FromSeconds(2), http.MaxLatency);
        Assert.True(http.FollowRedirects);
        Assert.False(http.TlsVerify);
        Assert.Equal("https://api.example.com/health", http.Describe());
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 2, 3), (api.Every, api.Timeout, api.FailureThreshold, api.SuccessThreshold));
        Assert.True(api.AllowPrivate);
        Assert.True(api.AllowLinkLocal);

        var tcp = Assert.IsType<TcpProbeTarget>(config.Probes[1].Target);
        Assert.Equal(("db.internal.example.com", 5432), (tcp.Host, tcp.Port));
        var dns = Assert.IsType<DnsProbeTarget>(config.Probes[2].Target);
        Assert.Equal(["203.0.113.10", "2001:db8::10"], dns.Expect.Select(a => a.ToString()));
        var tls = Assert.IsType<TlsProbeTarget>(config.Probes[3].Target);
        Assert.Equal(new TlsProbeTarget("api.example.com", 8443, 30, 10, false), tls);
        Assert.Equal("[::1]:22", config.Probes[4].Target.Describe());
        Assert.Equal(TimeSpan.FromSeconds(5), config.Probes[4].Timeout); // the default timeout never exceeds every

        Assert.Equal(new HeartbeatDefinition("nightly-export", TimeSpan.FromDays(1), TimeSpan.FromHours(2)), config.Heartbeats[0]);
        Assert.Equal(TimeSpan.Zero, config.Heartbeats[1].Grace);
    }

    [Fact]
    public void Load_Defaults_AreTheDocumentedOnes()
    {
        var config = Load("probes:\n  - name: a\n    http: { url: \"http://127.0.0.1:8080/\" }\n  - name: b\n    tls: { host: example.com }\n");

        var probe = config.Probes[0];
        var http = (HttpProbeTarget)probe.Target;
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 1, 1), (probe.Every, probe.Timeout, probe.FailureThreshold, probe.SuccessThreshold));
        Assert.False(probe.AllowPrivate);
        Assert.False(probe.AllowLinkLocal);
        Assert.Equal("GET", http.Method);
        Assert.Empty(http.Headers);
        Assert.Equal("2xx", http.ExpectStatus.ToString());
        Assert.Null(http.MaxLatency);
        Assert.False(http.FollowRedirects);
        Assert.True(http.TlsVerify);
        Assert.Equal(new TlsProbeTarget("example.com", 443, 21, 7, true), config.Probes[1].Target);
    }

    [Fact]
    public void Load_JsonEqualsBoolean_ComparesWithTheLiteral()
    {
        var config = Load("probes:\n  - name: a\n    http:\n      url: https://x.example.com/\n      json: { path: $.ok, equals: True }\n");

        Assert.Equal("true", ((HttpProbeTarget)config.Probes[0].Target).Json!.Expected);
    }

    [Fact]
    public void Load_InvalidProbe_IsNotHalfAccepted()
    {
        var result = ConfigReader.Load("probes:\n  - name: a\n    http: { url: \"https://x.example.com/\", expectStatus: [999] }\n");

        Assert.False(result.IsValid);
        Assert.Null(result.Config);
    }
}
