using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vigil.Functions.Tests.Probes;

/// <summary>
/// Real local targets for probes: one Kestrel on 127.0.0.1 with plain HTTP routes (healthy, slow, 500, wrong
/// body, redirects, a large body, header echo) and HTTPS endpoints whose self-signed certificates (made in the
/// test with CertificateRequest) expire in 5, 10 and 60 days; and a port nothing listens on.
/// </summary>
public sealed class TestTargets : IAsyncDisposable
{
    public const string HealthyJson = """{"status":"healthy","checks":{"database":{"status":"healthy"}},"version":"version: 12"}""";

    private readonly WebApplication _app;

    private TestTargets(WebApplication app, int httpPort, IReadOnlyDictionary<int, int> tlsPorts, int closedPort)
    {
        _app = app;
        HttpPort = httpPort;
        TlsPorts = tlsPorts;
        ClosedPort = closedPort;
    }

    public int HttpPort { get; }

    /// <summary>HTTPS port by days the certificate has left.</summary>
    public IReadOnlyDictionary<int, int> TlsPorts { get; }

    public int ClosedPort { get; }

    public string Http(string path) => $"http://127.0.0.1:{HttpPort}{path}";

    /// <summary>Requests seen per path (a test can check what was and was not requested).</summary>
    public Dictionary<string, int> Hits { get; } = [];

    /// <summary>The last request headers seen on /echo.</summary>
    public Dictionary<string, string> LastHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static readonly int[] CertificateDays = [5, 10, 60];

    public static async Task<TestTargets> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificates = CertificateDays.ToDictionary(d => d, d => SelfSigned("localhost", TimeSpan.FromDays(d)));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            foreach (var (_, certificate) in certificates)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
            }
        });

        var app = builder.Build();
        TestTargets? self = null;
        app.Use(async (context, next) =>
        {
            lock (self!.Hits)
            {
                self.Hits[context.Request.Path] = self.Hits.GetValueOrDefault(context.Request.Path) + 1;
            }

            await next(context);
        });
        app.MapGet("/healthy", () => Results.Text(HealthyJson, "application/json"));
        app.MapPost("/healthy", async (HttpRequest request) => Results.Text(await new StreamReader(request.Body).ReadToEndAsync() == "ping" ? "pong" : "no", "text/plain"));
        app.MapGet("/slow", async () =>
        {
            await Task.Delay(600);
            return Results.Text(HealthyJson, "application/json");
        });
        app.MapGet("/error", () => Results.Text("boom", "text/plain", statusCode: 500));
        app.MapGet("/wrong-body", () => Results.Text("""{"status":"degraded"}""", "application/json"));
        app.MapGet("/redirect", () => Results.Redirect("/healthy"));
        app.MapGet("/redirect-loop", () => Results.Redirect("/redirect-loop"));
        app.MapGet("/redirect-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        app.MapGet("/big", () => Results.Text(new string('x', 200 * 1024) + "needle", "text/plain"));
        app.MapGet("/echo", (HttpRequest request) =>
        {
            lock (self!.LastHeaders)
            {
                self.LastHeaders.Clear();
                foreach (var (name, value) in request.Headers)
                {
                    self.LastHeaders[name] = value.ToString();
                }
            }

            return Results.Text("ok", "text/plain");
        });

        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => (Https: a.StartsWith("https", StringComparison.Ordinal), Port: new Uri(a).Port))
            .ToList();
        var tls = ports.Where(p => p.Https).Select(p => p.Port).ToList();
        self = new TestTargets(app, ports.Single(p => !p.Https).Port, CertificateDays.Zip(tls).ToDictionary(p => p.First, p => p.Second), FreePort());
        return self;
    }

    /// <summary>A self-signed certificate for <paramref name="host"/> (and 127.0.0.1) valid from a day ago for <paramref name="lifetime"/>.</summary>
    public static X509Certificate2 SelfSigned(string host, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now + lifetime);
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Shares one set of targets among a test class.</summary>
public sealed class TestTargetsFixture : IAsyncLifetime
{
    public TestTargets Targets { get; private set; } = null!;

    public async Task InitializeAsync() => Targets = await TestTargets.StartAsync();

    public async Task DisposeAsync() => await Targets.DisposeAsync();
}
