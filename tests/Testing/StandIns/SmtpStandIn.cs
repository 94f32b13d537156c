using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Vigil.Testing.StandIns;

/// <summary>A message the SMTP stand-in accepted.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string User, bool Secure, string Data);

/// <summary>
/// A real SMTP server (npm <c>smtp-server</c>, installed once into &lt;repo&gt;/.vigil/smtp-server) on 127.0.0.1:
/// STARTTLS with a self-signed certificate generated here (<see cref="TrustBundlePath"/> is a CA bundle with it,
/// for <c>SSL_CERT_FILE</c>), AUTH PLAIN/LOGIN with <see cref="User"/>/<see cref="Password"/>, and STARTTLS required
/// before AUTH. Every message is recorded when its data has arrived, before the server answers it, so a slow
/// answer (<see cref="SlowRepliesTo"/>) still counts as arrived.
/// </summary>
public sealed class SmtpStandIn : IAsyncDisposable
{
    public const string Version = "3";
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly ConcurrentQueue<ReceivedMail> _mails = new();
    private readonly SemaphoreSlim _slowSet = new(0);
    private Process? _process;

    public string User { get; } = "vigil";

    public string Password { get; } = "smtp-pass-" + Guid.NewGuid().ToString("N")[..12];

    public int Port { get; private set; }

    /// <summary>A PEM bundle: the system's CA certificates plus this server's certificate.</summary>
    public string TrustBundlePath { get; private set; } = string.Empty;

    public IReadOnlyList<ReceivedMail> Mails => [.. _mails];

    public static string InstallDirectory => Path.Combine(RepoPaths.StateDirectory, "smtp-server");

    public static async Task<SmtpStandIn> StartAsync(bool startTls = true)
    {
        await EnsureInstalledAsync();
        var standIn = new SmtpStandIn();
        await standIn.StartCoreAsync(startTls);
        return standIn;
    }

    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (_mails.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                Xunit.Assert.Fail($"The SMTP stand-in got {_mails.Count} messages, not {count}.");
            }

            await Task.Delay(100);
        }

        return Mails;
    }

    /// <summary>
    /// From now on, answers a message whose data contains <paramref name="text"/> only after <paramref name="delay"/>
    /// (the message is recorded at once): the window in which a test kills the sender mid-call.
    /// </summary>
    public async Task SlowRepliesTo(string text, TimeSpan delay)
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { match = text, delayMs = (int)delay.TotalMilliseconds }));
        await process.StandardInput.FlushAsync();
        await _slowSet.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }

        _process?.Dispose();
        _slowSet.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            var marker = Path.Combine(InstallDirectory, ".installed-" + Version);
            if (File.Exists(marker))
            {
                return;
            }

            Directory.CreateDirectory(InstallDirectory);
            using var npm = Process.Start(new ProcessStartInfo("npm", $"install smtp-server@{Version} --no-audit --no-fund --silent --prefix \"{InstallDirectory}\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = InstallDirectory,
            })!;
            var error = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm install smtp-server failed ({npm.ExitCode}): {await error}");
            }

            await File.WriteAllTextAsync(marker, Version);
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private async Task StartCoreAsync(bool startTls)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vigil-smtp-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var certPem = certificate.ExportCertificatePem();
        await File.WriteAllTextAsync(Path.Combine(directory, "cert.pem"), certPem);
        await File.WriteAllTextAsync(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        var system = new[] { "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt" }.FirstOrDefault(File.Exists);
        TrustBundlePath = Path.Combine(directory, "bundle.pem");
        await File.WriteAllTextAsync(TrustBundlePath, (system is null ? string.Empty : await File.ReadAllTextAsync(system)) + "\n" + certPem + "\n");

        Port = FreePort();
        var script = Path.Combine(directory, "server.js");
        await File.WriteAllTextAsync(script, $$"""
            const { SMTPServer } = require({{JsonSerializer.Serialize(Path.Combine(InstallDirectory, "node_modules", "smtp-server"))}});
            const fs = require('fs');
            let slow = [];
            require('readline').createInterface({ input: process.stdin }).on('line', line => { slow.push(JSON.parse(line)); process.stdout.write('SLOW\n'); });
            const server = new SMTPServer({
              secure: false,
              hideSTARTTLS: {{(startTls ? "false" : "true")}},
              key: fs.readFileSync({{JsonSerializer.Serialize(Path.Combine(directory, "key.pem"))}}),
              cert: fs.readFileSync({{JsonSerializer.Serialize(Path.Combine(directory, "cert.pem"))}}),
              authMethods: ['PLAIN', 'LOGIN'],
              allowInsecureAuth: {{(startTls ? "false" : "true")}},
              logger: false,
              onAuth(auth, session, callback) {
                if (auth.username === {{JsonSerializer.Serialize(User)}} && auth.password === {{JsonSerializer.Serialize(Password)}}) return callback(null, { user: auth.username });
                return callback(new Error('Invalid username or password'));
              },
              onData(stream, session, callback) {
                const chunks = [];
                stream.on('data', c => chunks.push(c));
                stream.on('end', () => {
                  const data = Buffer.concat(chunks).toString('utf8');
                  process.stdout.write(JSON.stringify({ from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map(r => r.address), user: session.user || '', secure: !!session.secure, data }) + '\n');
                  const rule = slow.find(s => data.includes(s.match));
                  if (rule) setTimeout(() => callback(), rule.delayMs); else callback();
                });
              },
            });
            server.listen({{Port}}, '127.0.0.1', () => process.stdout.write('READY\n'));
            """);
        _process = Process.Start(new ProcessStartInfo("node", $"\"{script}\"") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true })!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data == "READY")
            {
                ready.TrySetResult();
                return;
            }

            if (e.Data == "SLOW")
            {
                _slowSet.Release();
                return;
            }

            using var json = JsonDocument.Parse(e.Data);
            var root = json.RootElement;
            _mails.Enqueue(new ReceivedMail(
                root.GetProperty("from").GetString()!,
                [.. root.GetProperty("to").EnumerateArray().Select(t => t.GetString()!)],
                root.GetProperty("user").GetString()!,
                root.GetProperty("secure").GetBoolean(),
                root.GetProperty("data").GetString()!));
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("[smtp-server] " + e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
