namespace Vigil.Storage;

/// <summary>The "Key=Value;Key=Value" pairs of a connection string, keys case-insensitive.</summary>
internal sealed class ConnectionStringSettings
{
    private readonly Dictionary<string, string> _values;

    private ConnectionStringSettings(Dictionary<string, string> values) => _values = values;

    public static ConnectionStringSettings Parse(string connectionString)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = segment.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                // Do not echo the segment: it may be part of a key.
                throw new FormatException("The storage connection string is malformed: expected 'Key=Value' pairs separated by ';'.");
            }

            values[segment[..separator].Trim()] = segment[(separator + 1)..].Trim();
        }

        return new ConnectionStringSettings(values);
    }

    public string? Get(string key) =>
        _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
