using System.Security.Cryptography;
using System.Text;

namespace Vigil.Functions.Metrics.Keys;

/// <summary>
/// An ingest API key: <c>vgl_&lt;id&gt;_&lt;secret&gt;</c>. The id (12 lowercase letters and digits) names the stored row, so
/// checking a key is one point read; only the SHA-256 of the whole key is stored, never the key.
/// </summary>
public static class IngestKeyFormat
{
    public const string Prefix = "vgl_";
    public const int IdLength = 12;
    public const int MinSecretLength = 16;

    /// <summary>A new random key: 12-character id, 256-bit secret (base64url).</summary>
    public static string Generate()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var id = new string(RandomNumberGenerator.GetItems<char>(alphabet, IdLength));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Prefix + id + "_" + secret;
    }

    /// <summary>Splits a presented key; false when it is not of the format (no store read needed).</summary>
    public static bool TryGetId(string? key, out string id)
    {
        id = string.Empty;
        if (key is null || key.Length < Prefix.Length + IdLength + 1 + MinSecretLength || key.Length > 256 || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var candidate = key.AsSpan(Prefix.Length, IdLength);
        foreach (var c in candidate)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            {
                return false;
            }
        }

        if (key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        foreach (var c in key.AsSpan(Prefix.Length + IdLength + 1))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        id = candidate.ToString();
        return true;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>A source name (the <c>source</c> label every sample of the key gets): 1-100 of <c>[A-Za-z0-9_.-]</c>.</summary>
    public static bool IsValidSource(string? source) =>
        !string.IsNullOrEmpty(source) && source.Length <= 100 && source.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}

/// <summary>What is stored about a key (no secret).</summary>
public sealed record IngestKeyInfo(string Id, string Source, string? Description, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
