using System.Collections.Concurrent;
using System.Reflection;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Storage;

/// <summary>Every table Vigil uses, one partial file per area. The app creates them on first use.</summary>
public static partial class TableNames
{
    /// <summary>Timer runs and other bookkeeping of the app itself.</summary>
    public const string System = "VigilSystem";

    /// <summary>Every table declared in any part of this class.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(TableNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();
}

/// <summary>
/// Hands out table clients, creating each table once per process on first use (not at start-up: the host
/// gives a handler 30 s to start and Vigil aims for well under a second).
/// </summary>
public sealed class VigilTables
{
    private readonly TableServiceClient _service;
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);

    public VigilTables(TableServiceClient service) => _service = service;

    public async ValueTask<TableClient> GetAsync(string tableName, CancellationToken cancellationToken)
    {
        var lazy = _tables.GetOrAdd(tableName, name => new Lazy<Task<TableClient>>(() => CreateAsync(name)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            // Let the next caller try again rather than caching a transient failure forever.
            _tables.TryRemove(new KeyValuePair<string, Lazy<Task<TableClient>>>(tableName, lazy));
            throw;
        }
    }

    private async Task<TableClient> CreateAsync(string tableName)
    {
        var client = _service.GetTableClient(tableName);
        await client.CreateIfNotExistsAsync(CancellationToken.None);
        return client;
    }
}
