using System.Net;
using System.Net.Sockets;
using Vigil.Domain.Probes.Addresses;

namespace Vigil.Functions.Probes.Network;

/// <summary>A probe could not reach its target; the message says why in words a person can act on.</summary>
public sealed class ProbeNetworkException : Exception
{
    public ProbeNetworkException()
    {
    }

    public ProbeNetworkException(string message)
        : base(message)
    {
    }

    public ProbeNetworkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Resolves host names (a seam so tests can make a name resolve to any address).</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver (A and AAAA records).</summary>
public sealed class SystemHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>
/// The probes' SSRF guard and connector: resolves the host once, checks every address with the probe's
/// <see cref="AddressPolicy"/>, and connects to a checked address (never resolving again between the check and
/// the connection, so DNS rebinding cannot slip a metadata address through). HTTP probes plug it in as
/// <c>SocketsHttpHandler.ConnectCallback</c>, so redirects are checked the same way.
/// </summary>
public sealed class GuardedConnector
{
    private readonly IHostResolver _resolver;

    public GuardedConnector(IHostResolver resolver) => _resolver = resolver;

    /// <summary>A connected socket to <paramref name="host"/>:<paramref name="port"/>; throws <see cref="ProbeNetworkException"/> with the reason otherwise.</summary>
    public async Task<Socket> ConnectAsync(string host, int port, AddressPolicy policy, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken);
        var allowed = new List<IPAddress>();
        string? refusal = null;
        foreach (var address in addresses)
        {
            var reason = policy.Refusal(IpAddressValue.FromBytes(address.GetAddressBytes()));
            if (reason is null)
            {
                allowed.Add(address);
            }
            else
            {
                refusal ??= reason;
            }
        }

        if (allowed.Count == 0)
        {
            throw new ProbeNetworkException(IPAddress.TryParse(host, out _) ? $"refused: {refusal}" : $"refused: {host} resolves to {refusal}");
        }

        var failures = new List<string>();
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failures.Add($"{Describe(ex.SocketErrorCode)} ({Format(address, port)})");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new ProbeNetworkException($"could not connect to {host}:{port}: {string.Join("; ", failures)}");
    }

    /// <summary>For <c>SocketsHttpHandler.ConnectCallback</c>.</summary>
    public async ValueTask<Stream> ConnectStreamAsync(string host, int port, AddressPolicy policy, CancellationToken cancellationToken) =>
        new NetworkStream(await ConnectAsync(host, port, policy, cancellationToken), ownsSocket: true);

    /// <summary>The addresses of <paramref name="host"/> (an IP literal is itself); throws <see cref="ProbeNetworkException"/> when it does not resolve.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return [literal];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await _resolver.ResolveAsync(host, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new ProbeNetworkException(ex.SocketErrorCode switch
            {
                SocketError.HostNotFound or SocketError.NoData => $"{host} does not resolve (no such host)",
                SocketError.TryAgain => $"{host} could not be resolved (temporary DNS failure)",
                _ => $"{host} could not be resolved ({ex.SocketErrorCode})",
            }, ex);
        }

        return addresses.Length > 0 ? addresses : throw new ProbeNetworkException($"{host} resolves to no address");
    }

    public static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "connection timed out",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.AddressNotAvailable => "address not available",
        SocketError.ConnectionReset => "connection reset",
        _ => error.ToString(),
    };

    private static string Format(IPAddress address, int port) => new IPEndPoint(address, port).ToString();
}
