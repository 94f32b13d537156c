using System.Collections.Concurrent;
using System.Security.Cryptography;
using Vigil.Functions.Configuration;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Metrics.Keys;

/// <summary>
/// Checks the ingest key of a request (<c>Authorization: Bearer &lt;key&gt;</c> or <c>x-api-key</c>) and gives the source
/// it is bound to. A verified key is remembered for <see cref="AppSettings.IngestKeyCacheDuration"/>, so steady ingest
/// costs no table read; a malformed key costs none either. The key itself is never logged or echoed.
/// </summary>
public sealed class IngestKeyAuthenticator
{
    private readonly IngestKeyStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheFor;
    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);

    public IngestKeyAuthenticator(IngestKeyStore store, TimeProvider time, SettingsReader settings)
    {
        _store = store;
        _time = time;
        _cacheFor = settings.GetDuration(AppSettings.IngestKeyCacheDuration);
    }

    /// <summary>The presented key, or null (Authorization: Bearer wins over x-api-key).</summary>
    public static string? PresentedKey(HttpTriggerRequest request)
    {
        var authorization = request.GetHeader("Authorization");
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return request.GetHeader("x-api-key")?.Trim();
    }

    /// <summary>The source the key is bound to; null for a missing, unknown, wrong or revoked key.</summary>
    public async Task<string?> AuthenticateAsync(string? key, CancellationToken ct)
    {
        if (!IngestKeyFormat.TryGetId(key, out var id))
        {
            return null;
        }

        var hash = IngestKeyFormat.Hash(key!);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.Expires > now)
        {
            return CryptographicOperations.FixedTimeEquals(cached.Hash, hash) && !cached.Revoked ? cached.Source : null;
        }

        var stored = await _store.FindAsync(id, ct);
        if (stored is not { } found)
        {
            return null;
        }

        _cache[id] = new CachedKey(found.Hash, found.Info.Source, found.Info.RevokedAt is not null, now + _cacheFor);
        return CryptographicOperations.FixedTimeEquals(found.Hash, hash) && found.Info.RevokedAt is null ? found.Info.Source : null;
    }

    /// <summary>Forgets a key at once on this instance (after a revoke).</summary>
    public void Forget(string id) => _cache.TryRemove(id, out _);

    private sealed record CachedKey(byte[] Hash, string Source, bool Revoked, DateTimeOffset Expires);
}
