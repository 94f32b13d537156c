namespace Vigil.Domain.Configuration.Validation;

/// <summary>
/// The keys an object of the configuration may have. Each reader declares its shapes as static fields; the JSON
/// Schema (docs/config.schema.json) has a definition of the same <see cref="SchemaName"/> with the same
/// properties, which tests/Domain.Tests checks, so the reader and the schema cannot drift apart.
/// </summary>
public sealed class ConfigShape
{
    public ConfigShape(string schemaName, params string[] keys)
    {
        SchemaName = schemaName;
        Keys = keys;
        _keys = new HashSet<string>(keys, StringComparer.Ordinal);
    }

    private readonly HashSet<string> _keys;

    /// <summary>The name of the definition in the JSON Schema (<c>$defs/&lt;name&gt;</c>; <c>root</c> is the document).</summary>
    public string SchemaName { get; }

    public IReadOnlyList<string> Keys { get; }

    public bool Allows(string key) => _keys.Contains(key);

    /// <summary>The declared key closest to <paramref name="key"/> (a typo or a case slip), if any is close.</summary>
    public string? Suggest(string key)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in Keys)
        {
            if (candidate.Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }

            var distance = Distance(candidate.ToUpperInvariant(), key.ToUpperInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return bestDistance <= Math.Max(1, Math.Min(key.Length, best?.Length ?? 0) / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
