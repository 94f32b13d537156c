using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Vigil.Domain.Configuration;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Alerts.Config;

/// <summary>
/// The applied configuration document: its text, version number, hash and time, and since when each rule has been in
/// force (by name; carried from version to version while the rule keeps its name; null for documents stored before
/// Vigil kept it: their rules count from <see cref="AppliedAt"/> until the next apply, which starts them at its time).
/// </summary>
public sealed record StoredConfig(string Document, long Version, string Sha256, DateTimeOffset AppliedAt, ETag ETag, IReadOnlyDictionary<string, DateTimeOffset>? RuleSince = null)
{
    /// <summary>Since when the rule named <paramref name="rule"/> has been in force.</summary>
    public DateTimeOffset WatchingSince(string rule) => RuleSince is not null && RuleSince.TryGetValue(rule, out var since) ? since : AppliedAt;
}

/// <summary>
/// Keeps the applied configuration document in Table Storage: one row (PartitionKey <c>config</c>, RowKey
/// <c>current</c>), the text split into properties of at most 32,000 characters (a property holds 64 KiB of
/// UTF-16), written with the ETag read before so two concurrent applies cannot both win.
/// </summary>
public sealed class ConfigStore
{
    /// <summary>Longest document that can be stored (15 chunks of 32,000 characters, under the 1 MiB entity limit).</summary>
    public const int MaxStoredLength = MaxChunks * ChunkLength;

    private const string PartitionKey = "config";
    private const string RowKey = "current";
    private const int ChunkLength = 32_000;
    private const int MaxChunks = 15;

    private readonly VigilTables _tables;

    public ConfigStore(VigilTables tables) => _tables = tables;

    public async Task<StoredConfig?> GetAsync(CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Config, cancellationToken);
        var response = await table.GetEntityIfExistsAsync(PartitionKey, RowKey, null, cancellationToken);
        if (!response.HasValue)
        {
            return null;
        }

        var entity = response.Value!;
        var chunks = entity.GetInt32("Chunks") ?? 0;
        var text = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            text.Append(entity.GetString(ChunkName(i)));
        }

        return new StoredConfig(
            text.ToString(),
            entity.GetInt64("Version") ?? 0,
            entity.GetString("Sha256") ?? string.Empty,
            new DateTimeOffset(entity.GetInt64("AppliedAtTicks") ?? 0, TimeSpan.Zero),
            entity.ETag,
            ReadRuleSince(entity.GetString("RuleSince")));
    }

    /// <summary>Reads only the version (a cheap check before reloading).</summary>
    public async Task<long?> GetVersionAsync(CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Config, cancellationToken);
        var response = await table.GetEntityIfExistsAsync(PartitionKey, RowKey, ["Version"], cancellationToken);
        return response.HasValue ? response.Value!.GetInt64("Version") : null;
    }

    /// <summary>
    /// Stores <paramref name="document"/> as the next version after <paramref name="current"/> (null: nothing stored).
    /// Throws <see cref="TableConflictException"/> when another apply got there first.
    /// </summary>
    public async Task<StoredConfig> SaveAsync(string document, IReadOnlyCollection<string> ruleNames, StoredConfig? current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (document.Length > MaxStoredLength)
        {
            throw new ArgumentException($"The document has {document.Length} characters; at most {MaxStoredLength} can be stored.", nameof(document));
        }

        ArgumentNullException.ThrowIfNull(ruleNames);
        var version = (current?.Version ?? 0) + 1;
        var hash = Hash(document);
        var ruleSince = ruleNames.Distinct(StringComparer.Ordinal).ToDictionary(
            n => n, n => current?.RuleSince is { } known && known.TryGetValue(n, out var since) ? since : now, StringComparer.Ordinal); // a new (or renamed) rule starts now
        var entity = new TableEntity(PartitionKey, RowKey)
        {
            ["Version"] = version,
            ["Sha256"] = hash,
            ["AppliedAtTicks"] = now.UtcTicks,
            ["Length"] = document.Length,
            ["RuleSince"] = JsonSerializer.Serialize(ruleSince.ToDictionary(p => p.Key, p => p.Value.UtcTicks, StringComparer.Ordinal)),
        };
        var chunks = 0;
        for (var offset = 0; offset < document.Length; offset += ChunkLength)
        {
            entity[ChunkName(chunks++)] = document.Substring(offset, Math.Min(ChunkLength, document.Length - offset));
        }

        entity["Chunks"] = chunks;
        var table = await _tables.GetAsync(TableNames.Config, cancellationToken);
        var response = current is null
            ? await table.AddEntityAsync(entity, cancellationToken)
            : await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken);
        var etag = response.Headers.ETag ?? default;
        return new StoredConfig(document, version, hash, now, etag, ruleSince);
    }

    /// <summary>What applying <paramref name="proposed"/> over the stored document would do (and the stored one, if any).</summary>
    public async Task<(ConfigPlan Plan, StoredConfig? Current)> PlanAsync(VigilConfig proposed, CancellationToken cancellationToken)
    {
        var current = await GetAsync(cancellationToken);
        var previous = current is null ? null : ConfigReader.Load(current.Document).Config;
        return (ConfigPlan.Compute(previous?.Objects, proposed.Objects), current);
    }

    public static string Hash(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));

    private static Dictionary<string, DateTimeOffset>? ReadRuleSince(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        var ticks = JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? [];
        return ticks.ToDictionary(p => p.Key, p => new DateTimeOffset(p.Value, TimeSpan.Zero), StringComparer.Ordinal);
    }

    private static string ChunkName(int index) => "Doc" + index.ToString("00", CultureInfo.InvariantCulture);
}
