using System.Text.Json;
using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Labels;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Evaluation;
using Azure;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Alerts.State;

/// <summary>
/// One stored alert instance: its rule, identity, group labels, the labels and annotations last announced, and
/// its lifecycle state. <see cref="ETag"/> is the version read (default: not stored yet).
/// </summary>
public sealed record AlertInstance(
    string Rule,
    string Fingerprint,
    LabelSet Group,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    AlertState State,
    string? Status,
    ETag ETag)
{
    public bool IsStored => ETag != default;

    /// <summary>The last event emitted (JSON), kept so the sweep can send it once more (see <c>AlertEvaluator.ResendAsync</c>).</summary>
    public string? LastEventJson { get; init; }

    /// <summary>When the last event is due to be sent once more; null when it was (or needs not be).</summary>
    public DateTimeOffset? ResendDue { get; init; }
}

/// <summary>
/// Alert instance state in Table Storage (PartitionKey rule name, RowKey fingerprint), written with ETag
/// concurrency: <see cref="SaveAsync"/> throws <see cref="TableConflictException"/> when another evaluator changed
/// the instance since it was read, and the caller re-reads and re-decides (so a transition is emitted once).
/// Times are stored as UTC ticks (exact round trips: event ids depend on them).
/// </summary>
public sealed class AlertStateStore
{
    private readonly VigilTables _tables;

    public AlertStateStore(VigilTables tables) => _tables = tables;

    public async Task<IReadOnlyList<AlertInstance>> ListAsync(string? rule, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Alerts, cancellationToken);
        var filter = rule is null ? null : TableFilter.Create($"PartitionKey eq {rule}");
        var result = new List<AlertInstance>();
        await foreach (var entity in table.QueryAsync(filter, null, null, cancellationToken))
        {
            result.Add(FromEntity(entity));
        }

        return result;
    }

    public async Task<AlertInstance?> GetAsync(string rule, string fingerprint, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Alerts, cancellationToken);
        var response = await table.GetEntityIfExistsAsync(rule, fingerprint, null, cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>Adds (not stored yet) or replaces (if the ETag still matches) the instance; returns it with its new ETag.</summary>
    public async Task<AlertInstance> SaveAsync(AlertInstance instance, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Alerts, cancellationToken);
        var entity = ToEntity(instance);
        var response = instance.IsStored
            ? await table.UpdateEntityAsync(entity, instance.ETag, TableUpdateMode.Replace, cancellationToken)
            : await table.AddEntityAsync(entity, cancellationToken);
        return instance with { ETag = response.Headers.ETag ?? ETag.All };
    }

    /// <summary>Deletes the instance if it is still the version read.</summary>
    public async Task DeleteAsync(AlertInstance instance, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Alerts, cancellationToken);
        await table.DeleteEntityAsync(instance.Rule, instance.Fingerprint, instance.ETag, cancellationToken);
    }

    private static TableEntity ToEntity(AlertInstance instance)
    {
        var state = instance.State;
        var entity = new TableEntity(instance.Rule, instance.Fingerprint)
        {
            ["Group"] = JsonSerializer.Serialize(instance.Group.ToDictionary()),
            ["Labels"] = JsonSerializer.Serialize(instance.Labels),
            ["Annotations"] = JsonSerializer.Serialize(instance.Annotations),
            ["Phase"] = state.Phase.ToString(),
            ["Flapping"] = state.Flapping,
            ["Sequence"] = state.Sequence,
            ["CreatedAt"] = state.CreatedAt.UtcTicks,
            ["Changes"] = JsonSerializer.Serialize(state.Changes.Select(c => c.UtcTicks)),
        };
        Set(entity, "Severity", state.Severity?.ToText());
        Set(entity, "Value", state.Value is { } value && double.IsFinite(value) ? value : null);
        Set(entity, "Status", instance.Status);
        Set(entity, "LastEvent", instance.LastEventJson);
        SetTime(entity, "ResendDue", instance.ResendDue);
        SetTime(entity, "ActiveSince", state.ActiveSince);
        SetTime(entity, "FiringSince", state.FiringSince);
        SetTime(entity, "ResolvedAt", state.ResolvedAt);
        SetTime(entity, "LastBreachAt", state.LastBreachAt);
        SetTime(entity, "LastEvaluatedAt", state.LastEvaluatedAt);
        if (state.LastVerdict is { } verdict)
        {
            entity["LastVerdict"] = verdict.Kind.ToString();
            Set(entity, "LastVerdictSeverity", verdict.Kind == VerdictKind.Breaching ? verdict.Severity.ToText() : null);
            Set(entity, "LastVerdictValue", verdict.Value is { } v && double.IsFinite(v) ? v : null);
        }

        return entity;
    }

    private static AlertInstance FromEntity(TableEntity entity)
    {
        LastVerdict(entity, out var lastVerdict);
        var state = new AlertState
        {
            Phase = Enum.TryParse<AlertPhase>(entity.GetString("Phase"), out var phase) ? phase : AlertPhase.Inactive,
            Severity = AlertSeverityText.TryParse(entity.GetString("Severity"), out var severity) ? severity : null,
            Value = entity.GetDouble("Value"),
            ActiveSince = Time(entity, "ActiveSince"),
            FiringSince = Time(entity, "FiringSince"),
            ResolvedAt = Time(entity, "ResolvedAt"),
            LastBreachAt = Time(entity, "LastBreachAt"),
            LastEvaluatedAt = Time(entity, "LastEvaluatedAt"),
            LastVerdict = lastVerdict,
            Flapping = entity.GetBoolean("Flapping") ?? false,
            Changes = [.. Deserialize<long[]>(entity.GetString("Changes"), []).Select(t => new DateTimeOffset(t, TimeSpan.Zero))],
            Sequence = entity.GetInt64("Sequence") ?? 0,
            CreatedAt = new DateTimeOffset(entity.GetInt64("CreatedAt") ?? 0, TimeSpan.Zero),
        };
        return new AlertInstance(
            entity.PartitionKey,
            entity.RowKey,
            LabelSet.From(Deserialize<Dictionary<string, string>>(entity.GetString("Group"), [])),
            Deserialize<Dictionary<string, string>>(entity.GetString("Labels"), []),
            Deserialize<Dictionary<string, string>>(entity.GetString("Annotations"), []),
            state,
            entity.GetString("Status"),
            entity.ETag)
        {
            LastEventJson = entity.GetString("LastEvent"),
            ResendDue = Time(entity, "ResendDue"),
        };
    }

    private static void LastVerdict(TableEntity entity, out Verdict? verdict)
    {
        verdict = null;
        if (Enum.TryParse<VerdictKind>(entity.GetString("LastVerdict"), out var kind))
        {
            var severity = AlertSeverityText.TryParse(entity.GetString("LastVerdictSeverity"), out var parsed) ? parsed : 0;
            verdict = new Verdict(kind, severity, entity.GetDouble("LastVerdictValue"));
        }
    }

    private static T Deserialize<T>(string? json, T fallback) => string.IsNullOrEmpty(json) ? fallback : JsonSerializer.Deserialize<T>(json) ?? fallback;

    private static void Set(TableEntity entity, string key, object? value)
    {
        if (value is not null)
        {
            entity[key] = value;
        }
    }

    private static void SetTime(TableEntity entity, string key, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            entity[key + "Ticks"] = t.UtcTicks;
        }
    }

    private static DateTimeOffset? Time(TableEntity entity, string key) =>
        entity.GetInt64(key + "Ticks") is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
}
