using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Domain.Configuration;
using Vigil.Domain.Health;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Results;
using Vigil.Functions.Configuration;
using Vigil.Functions.Probes.Execution;
using Vigil.Functions.Probes.Network;

namespace Vigil.Functions.Tests.Probes;

/// <summary>Every probe kind against real local targets: Kestrel on loopback (HTTP and HTTPS), a closed port, DNS of localhost.</summary>
public sealed class ProbeExecutorTests : IClassFixture<TestTargetsFixture>
{
    private readonly TestTargets _targets;

    public ProbeExecutorTests(TestTargetsFixture fixture) => _targets = fixture.Targets;

    public static ProbeDefinition Probe(string yaml)
    {
        var result = ConfigReader.Load("probes:\n  - name: p\n" + string.Join("\n", yaml.Split('\n').Select(l => "    " + l)) + "\n");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return Assert.Single(result.Config!.Probes);
    }

    public static ProbeRunner Runner(IHostResolver? resolver = null, IDictionary<string, string?>? settings = null, TimeProvider? time = null, Microsoft.Extensions.Logging.ILogger<ProbeRunner>? logger = null)
    {
        var connector = new GuardedConnector(resolver ?? new SystemHostResolver());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        return new ProbeRunner(
            [new HttpProbeExecutor(connector), new TcpProbeExecutor(connector), new DnsProbeExecutor(connector), new TlsProbeExecutor(connector)],
            time ?? TimeProvider.System,
            new SettingsReader(configuration),
            logger ?? NullLogger<ProbeRunner>.Instance);
    }

    private static Task<ProbeResult> RunAsync(string yaml, IHostResolver? resolver = null, IDictionary<string, string?>? settings = null) =>
        Runner(resolver, settings).RunOneAsync(Probe(yaml), CancellationToken.None);

    private string HttpProbe(string path, string more = "") => $"http:\n  url: {_targets.Http(path)}\n" + string.Join("\n", more.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l));

    [Fact]
    public async Task Http_HealthyTargetWithEveryCheck_IsHealthy()
    {
        var result = await RunAsync(HttpProbe("/healthy", "expectStatus: [200]\nbodyContains: '\"status\":\"healthy\"'\nbodyMatches: \"version: [0-9]+\"\njson: { path: \"$.checks.database.status\", equals: healthy }\nmaxLatency: 2s"));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Null(result.Error);
        Assert.Equal(200, result.HttpStatus);
        Assert.Null(result.CertDaysLeft);
        Assert.InRange(result.Duration, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Http_SlowerThanMaxLatency_IsDegraded()
    {
        var result = await RunAsync(HttpProbe("/slow", "maxLatency: 200ms"));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Matches("^took [0-9]+ ms, more than maxLatency 200ms$", result.Error);
        Assert.True(result.Success);
    }

    [Fact]
    public async Task Http_SlowerThanTimeout_FailsAsTimedOut()
    {
        var result = await RunAsync(HttpProbe("/slow") + "\nevery: 10s\ntimeout: 300ms");

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("timed out after 300ms", result.Error);
        Assert.InRange(result.Duration, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(590));
    }

    [Fact]
    public async Task Http_ServerError_FailsWithStatus()
    {
        var result = await RunAsync(HttpProbe("/error"));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("HTTP 500, expected 2xx", result.Error);
        Assert.Equal(500, result.HttpStatus);
    }

    [Fact]
    public async Task Http_WrongBody_FailsTheJsonCheck()
    {
        var result = await RunAsync(HttpProbe("/wrong-body", "json: { path: $.status, equals: healthy }"));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("$.status is \"degraded\", expected \"healthy\"", result.Error);
    }

    [Fact]
    public async Task Http_RedirectNotFollowed_IsJudgedAsTheRedirect()
    {
        var result = await RunAsync(HttpProbe("/redirect"));

        Assert.Equal("HTTP 302, expected 2xx", result.Error);
    }

    [Fact]
    public async Task Http_RedirectFollowed_JudgesTheFinalAnswer()
    {
        var result = await RunAsync(HttpProbe("/redirect", "followRedirects: true\nbodyContains: healthy"));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(200, result.HttpStatus);
    }

    [Fact]
    public async Task Http_RedirectLoop_StopsAfterTenHops()
    {
        var result = await RunAsync(HttpProbe("/redirect-loop", "followRedirects: true"));

        Assert.Equal("more than 10 redirects", result.Error);
        Assert.Equal(302, result.HttpStatus);
    }

    [Fact]
    public async Task Http_RedirectToMetadata_IsRefusedBeforeConnecting()
    {
        var result = await RunAsync(HttpProbe("/redirect-metadata", "followRedirects: true"));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("refused: 169.254.169.254 is a cloud metadata address, refused unless the probe sets allowLinkLocal: true", result.Error);
        Assert.True(result.Duration < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Http_LargeBody_OnlyTheFirst64KbAreRead()
    {
        var result = await RunAsync(HttpProbe("/big", "bodyContains: needle"));

        Assert.Equal("the body does not contain \"needle\" (only the first 64 KB of the body are checked)", result.Error);
    }

    [Fact]
    public async Task Http_PostWithBodyAndHeaders_SendsThem()
    {
        var result = await RunAsync(HttpProbe("/healthy", "method: POST\nbody: ping\nbodyContains: pong"));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Http_HeaderNamingAnAppSetting_SendsTheSettingValue()
    {
        var result = await RunAsync(
            HttpProbe("/echo", "headers: { Authorization: \"Bearer %PROBE_TOKEN%\", X-Plain: \"50%\" }"),
            settings: new Dictionary<string, string?> { ["PROBE_TOKEN"] = "s3cr3t-token" });

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("Bearer s3cr3t-token", _targets.LastHeaders["Authorization"]);
        Assert.Equal("50%", _targets.LastHeaders["X-Plain"]);
        Assert.Equal(HttpProbeExecutor.UserAgent, _targets.LastHeaders["User-Agent"]);
    }

    [Fact]
    public async Task Http_HeaderNamingAMissingSetting_FailsWithoutSending()
    {
        var before = _targets.Hits.GetValueOrDefault("/echo");

        var result = await RunAsync(HttpProbe("/echo", "headers: { Authorization: \"Bearer %NOT_SET_ANYWHERE%\" }"));

        Assert.Equal("the header Authorization names the app setting NOT_SET_ANYWHERE, which is not set", result.Error);
        Assert.Equal(before, _targets.Hits.GetValueOrDefault("/echo"));
    }

    [Fact]
    public async Task Http_ClosedPort_FailsAsRefused()
    {
        var result = await RunAsync($"http:\n  url: http://127.0.0.1:{_targets.ClosedPort}/health");

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"could not connect to 127.0.0.1:{_targets.ClosedPort}: connection refused (127.0.0.1:{_targets.ClosedPort})", result.Error);
    }

    [Fact]
    public async Task Http_Https_SelfSignedRejectedUnlessTlsVerifyIsOff()
    {
        var url = $"https://localhost:{_targets.TlsPorts[60]}/healthy";

        var verified = await RunAsync($"http:\n  url: {url}");
        var unverified = await RunAsync($"http:\n  url: {url}\n  tlsVerify: false");

        Assert.Equal(HealthStatus.Unhealthy, verified.Status);
        Assert.Equal($"TLS: the certificate of localhost:{_targets.TlsPorts[60]} is not trusted: its issuer is not trusted (self-signed or a private CA)", verified.Error);
        Assert.Equal(HealthStatus.Healthy, unverified.Status);
        Assert.InRange(unverified.CertDaysLeft!.Value, 59.9, 60);
    }

    [Fact]
    public async Task Tcp_OpenAndClosedPorts()
    {
        var open = await RunAsync($"tcp: {{ host: 127.0.0.1, port: {_targets.HttpPort} }}");
        var closed = await RunAsync($"tcp: {{ host: localhost, port: {_targets.ClosedPort} }}");

        Assert.Equal(HealthStatus.Healthy, open.Status);
        Assert.Equal(HealthStatus.Unhealthy, closed.Status);
        Assert.StartsWith($"could not connect to localhost:{_targets.ClosedPort}: connection refused", closed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dns_Localhost_ResolvesToLoopback()
    {
        var any = await RunAsync("dns: { name: localhost }");
        var expected = await RunAsync("dns: { name: localhost, expect: [127.0.0.1, \"::1\"] }");
        var wrong = await RunAsync("dns: { name: localhost, expect: [203.0.113.10] }");

        Assert.Equal(HealthStatus.Healthy, any.Status);
        Assert.Equal(HealthStatus.Healthy, expected.Status);
        Assert.Equal(HealthStatus.Unhealthy, wrong.Status);
        Assert.StartsWith("localhost resolves to ", wrong.Error, StringComparison.Ordinal);
        Assert.EndsWith(", not in expect [203.0.113.10]", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dns_NoSuchName_FailsWithReason()
    {
        var result = await RunAsync("dns: { name: no-such-host.invalid }");

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("no-such-host.invalid", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, HealthStatus.Healthy, null)]
    [InlineData(10, HealthStatus.Degraded, "fewer than warnDays 21")]
    [InlineData(5, HealthStatus.Unhealthy, "fewer than criticalDays 7")]
    public async Task Tls_CertificateExpiringInNDays_JudgedByDaysLeft(int days, HealthStatus expected, string? fragment)
    {
        var result = await RunAsync($"tls: {{ host: localhost, port: {_targets.TlsPorts[days]}, warnDays: 21, criticalDays: 7, verify: false }}");

        Assert.Equal(expected, result.Status);
        Assert.InRange(result.CertDaysLeft!.Value, days - 0.1, days);
        if (fragment is not null)
        {
            Assert.Contains(fragment, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tls_Verify_UntrustedIssuerIsUnhealthy()
    {
        var result = await RunAsync($"tls: {{ host: localhost, port: {_targets.TlsPorts[60]} }}");

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("the certificate is not trusted: its issuer is not trusted (self-signed or a private CA)", result.Error);
        Assert.InRange(result.CertDaysLeft!.Value, 59.9, 60);
    }

    [Fact]
    public async Task Tls_NameMismatch_IsReported()
    {
        var resolver = new FakeResolver { ["other.test"] = [IPAddress.Loopback] };

        var result = await RunAsync($"tls: {{ host: other.test, port: {_targets.TlsPorts[60]} }}", resolver);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("the certificate is not trusted: it is not issued for other.test", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_PlainHttpPort_FailsTheHandshake()
    {
        var result = await RunAsync($"tls: {{ host: localhost, port: {_targets.HttpPort} }}\ntimeout: 2s\nevery: 10s");

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith($"TLS handshake with localhost:{_targets.HttpPort} failed", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http:\n  url: http://169.254.169.254/latest/meta-data/")]
    [InlineData("tcp: { host: 169.254.169.254, port: 80 }")]
    [InlineData("tls: { host: \"fd00:ec2::254\" }")]
    [InlineData("http:\n  url: http://[::ffff:169.254.169.254]/")]
    public async Task Guard_MetadataAddress_RefusedWithoutConnecting(string yaml)
    {
        var result = await RunAsync(yaml);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("refused: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("allowLinkLocal: true", result.Error, StringComparison.Ordinal);
        Assert.True(result.Duration < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Guard_NameResolvingToMetadata_IsRefused()
    {
        var resolver = new FakeResolver { ["metadata.test"] = [IPAddress.Parse("169.254.169.254")] };

        var result = await RunAsync("http:\n  url: http://metadata.test/latest/meta-data/", resolver);

        Assert.Equal("refused: metadata.test resolves to 169.254.169.254 is a cloud metadata address, refused unless the probe sets allowLinkLocal: true", result.Error);
    }

    [Fact]
    public async Task Guard_ResolvesOnceAndConnectsToTheCheckedAddress()
    {
        // A rebinding name: first answer loopback (allowed), any later answer the metadata address.
        var resolver = new FakeResolver { ["rebind.test"] = [IPAddress.Loopback], Then = [IPAddress.Parse("169.254.169.254")] };

        var result = await RunAsync($"http:\n  url: http://rebind.test:{_targets.HttpPort}/healthy", resolver);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1, resolver.Calls);
    }

    [Fact]
    public async Task Guard_MixedAnswer_ConnectsOnlyToAllowedAddresses()
    {
        var resolver = new FakeResolver { ["mixed.test"] = [IPAddress.Parse("169.254.169.254"), IPAddress.Loopback] };

        var result = await RunAsync($"tcp: {{ host: mixed.test, port: {_targets.HttpPort} }}", resolver);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Guard_PrivateDenied_LoopbackNeedsAllowPrivate()
    {
        var deny = new Dictionary<string, string?> { [AppSettings.ProbePrivateTargets.Name] = "deny" };

        var refused = await RunAsync($"tcp: {{ host: 127.0.0.1, port: {_targets.HttpPort} }}", settings: deny);
        var allowed = await RunAsync($"tcp: {{ host: 127.0.0.1, port: {_targets.HttpPort} }}\nallowPrivate: true", settings: deny);

        Assert.Equal("refused: 127.0.0.1 is a loopback address, refused on this Vigil (VIGIL_PROBE_PRIVATE_TARGETS=deny) unless the probe sets allowPrivate: true", refused.Error);
        Assert.Equal(HealthStatus.Healthy, allowed.Status);
    }

    [Fact]
    public async Task Runner_ManyProbes_ResultsInOrderWithinTheBound()
    {
        var probes = Enumerable.Range(0, 50)
            .Select(i => Probe(i % 2 == 0 ? HttpProbe("/healthy") : HttpProbe("/error")) with { Name = "p" + i })
            .ToList();

        var results = await Runner(settings: new Dictionary<string, string?> { [AppSettings.ProbeConcurrency.Name] = "8" }).RunAsync(probes, CancellationToken.None);

        Assert.Equal(50, results.Length);
        Assert.All(results.Where((_, i) => i % 2 == 0), r => Assert.Equal(HealthStatus.Healthy, r!.Status));
        Assert.All(results.Where((_, i) => i % 2 == 1), r => Assert.Equal(500, r!.HttpStatus));
    }

    [Fact]
    public async Task Runner_StartBudgetSpent_LeavesTheRestForTheNextTick()
    {
        var clock = new JumpingClock(TimeSpan.FromSeconds(50)); // each reading of the stopwatch moves 50 s on
        var probes = Enumerable.Range(0, 10).Select(i => Probe("tcp: { host: 127.0.0.1, port: 1 }") with { Name = "p" + i }).ToList();
        var runner = new ProbeRunner(
            [new InstantExecutor()],
            clock,
            new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AppSettings.ProbeConcurrency.Name] = "1" }).Build()),
            NullLogger<ProbeRunner>.Instance);

        var results = await runner.RunAsync(probes, CancellationToken.None);

        Assert.NotNull(results[0]);
        Assert.Null(results[^1]);
        Assert.InRange(results.Count(r => r is not null), 1, 3);
    }

    private sealed class JumpingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
    }

    private sealed class InstantExecutor : IProbeExecutor
    {
        public string Kind => "tcp";

        public Task<ProbeResult> RunAsync(ProbeRun run, CancellationToken cancellationToken) => Task.FromResult(run.Result(Domain.Probes.Results.CheckVerdict.Healthy));
    }

    [Fact]
    public async Task Runner_ExecutorThatThrows_GivesAFailedResult()
    {
        var runner = new ProbeRunner([new ThrowingExecutor()], TimeProvider.System, new SettingsReader(new ConfigurationBuilder().Build()), NullLogger<ProbeRunner>.Instance);

        var result = await runner.RunOneAsync(Probe("tcp: { host: 127.0.0.1, port: 1 }"), CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("unexpected error (InvalidOperationException)", result.Error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("x")]
    public void Runner_BadConcurrencySetting_FailsAtStart(string value) =>
        Assert.ThrowsAny<InvalidOperationException>(() => Runner(settings: new Dictionary<string, string?> { [AppSettings.ProbeConcurrency.Name] = value }));

    private sealed class ThrowingExecutor : IProbeExecutor
    {
        public string Kind => "tcp";

        public Task<ProbeResult> RunAsync(ProbeRun run, CancellationToken cancellationToken) => throw new InvalidOperationException("bug");
    }
}

/// <summary>A resolver answering from a table; <see cref="Then"/>, when set, is the answer to every call after the first.</summary>
public sealed class FakeResolver : IHostResolver
{
    private readonly Dictionary<string, IPAddress[]> _answers = new(StringComparer.OrdinalIgnoreCase);

    public IPAddress[]? Then { get; init; }

    public int Calls { get; private set; }

    public IPAddress[] this[string host]
    {
        get => _answers[host];
        set => _answers[host] = value;
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Calls++;
        if (Calls > 1 && Then is not null)
        {
            return Task.FromResult(Then);
        }

        return _answers.TryGetValue(host, out var answer)
            ? Task.FromResult(answer)
            : Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }
}
