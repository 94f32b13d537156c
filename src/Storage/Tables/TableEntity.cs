using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Azure;

namespace Vigil.Storage.Tables;

/// <summary>
/// A table entity: PartitionKey, RowKey and typed properties with case-sensitive names. Supported values:
/// string, bool, int, long, double, DateTimeOffset (DateTime is stored as its UTC DateTimeOffset), Guid and byte[].
/// <see cref="Timestamp"/> and <see cref="ETag"/> come from the service and are not properties.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Mirrors Azure.Data.Tables' TableEntity.")]
public sealed class TableEntity : IDictionary<string, object?>
{
    internal const string PartitionKeyName = "PartitionKey";
    internal const string RowKeyName = "RowKey";

    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    public TableEntity()
    {
    }

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey
    {
        get => GetString(PartitionKeyName) ?? string.Empty;
        set => this[PartitionKeyName] = value;
    }

    public string RowKey
    {
        get => GetString(RowKeyName) ?? string.Empty;
        set => this[RowKeyName] = value;
    }

    /// <summary>When the service last modified the entity (null for an entity not read from the service).</summary>
    public DateTimeOffset? Timestamp { get; internal set; }

    /// <summary>The entity's version as the service reported it; echo it back verbatim in If-Match.</summary>
    public ETag ETag { get; set; }

    public int Count => _properties.Count;

    public ICollection<string> Keys => _properties.Keys;

    public ICollection<object?> Values => _properties.Values;

    bool ICollection<KeyValuePair<string, object?>>.IsReadOnly => false;

    public object? this[string key]
    {
        get => _properties[key];
        set => _properties[key] = Normalize(key, value);
    }

    public string? GetString(string key) => GetReference<string>(key);

    public int? GetInt32(string key) => GetValue<int>(key);

    /// <summary>The Int64 value; an Int32 value widens.</summary>
    public long? GetInt64(string key) => Find(key) is int narrow ? narrow : GetValue<long>(key);

    /// <summary>The Double value; Int32 and Int64 values widen.</summary>
    public double? GetDouble(string key) => Find(key) switch
    {
        int i => i,
        long l => l,
        _ => GetValue<double>(key),
    };

    public bool? GetBoolean(string key) => GetValue<bool>(key);

    public DateTimeOffset? GetDateTimeOffset(string key) => GetValue<DateTimeOffset>(key);

    public Guid? GetGuid(string key) => GetValue<Guid>(key);

    public byte[]? GetBinary(string key) => GetReference<byte[]>(key);

    public void Add(string key, object? value) => _properties.Add(key, Normalize(key, value));

    public bool ContainsKey(string key) => _properties.ContainsKey(key);

    public bool Remove(string key) => _properties.Remove(key);

    public bool TryGetValue(string key, out object? value) => _properties.TryGetValue(key, out value);

    public void Clear() => _properties.Clear();

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void ICollection<KeyValuePair<string, object?>>.Add(KeyValuePair<string, object?> item) => Add(item.Key, item.Value);

    bool ICollection<KeyValuePair<string, object?>>.Contains(KeyValuePair<string, object?> item) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).Contains(item);

    void ICollection<KeyValuePair<string, object?>>.CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).CopyTo(array, arrayIndex);

    bool ICollection<KeyValuePair<string, object?>>.Remove(KeyValuePair<string, object?> item) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).Remove(item);

    public override string ToString() => $"TableEntity({PartitionKey}, {RowKey}, {Count} properties)";

    /// <summary>Sets a value read from the service, already typed (no normalisation needed).</summary>
    internal void SetRaw(string key, object? value) => _properties[key] = value;

    private object? Find(string key) => _properties.GetValueOrDefault(key);

    private T? GetValue<T>(string key) where T : struct => Find(key) switch
    {
        null => null,
        T typed => typed,
        var other => throw WrongType<T>(key, other),
    };

    private T? GetReference<T>(string key) where T : class => Find(key) switch
    {
        null => null,
        T typed => typed,
        var other => throw WrongType<T>(key, other),
    };

    private static InvalidOperationException WrongType<T>(string key, object value) =>
        new($"Property '{key}' holds a {value.GetType().Name}, not a {typeof(T).Name}.");

    private static object? Normalize(string key, object? value) => value switch
    {
        null or string or bool or int or long or double or DateTimeOffset or Guid or byte[] => value,
        DateTime dateTime => dateTime.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc))
            : new DateTimeOffset(dateTime.ToUniversalTime()),
        _ => throw new ArgumentException(
            $"Property '{key}' has unsupported type {value.GetType().Name}; use string, bool, int, long, double, " +
            "DateTimeOffset, DateTime, Guid or byte[].", nameof(value)),
    };
}
