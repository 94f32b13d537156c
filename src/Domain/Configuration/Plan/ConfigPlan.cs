namespace Vigil.Domain.Configuration;

public enum PlanAction
{
    Create,
    Change,
    Remove,
    Unchanged,
}

public sealed record PlanEntry(string Kind, string Name, PlanAction Action);

/// <summary>
/// What applying a configuration would do, object by object (like Terraform's plan): created, changed, removed,
/// unchanged. Objects are compared in canonical form, so layout, comments, quoting and key order do not count
/// as changes; a different value written another way (<c>60s</c> for <c>1m</c>) does.
/// </summary>
public sealed class ConfigPlan
{
    private ConfigPlan(IReadOnlyList<PlanEntry> entries) => Entries = entries;

    public IReadOnlyList<PlanEntry> Entries { get; }

    public IEnumerable<PlanEntry> Created => Entries.Where(e => e.Action == PlanAction.Create);

    public IEnumerable<PlanEntry> Changed => Entries.Where(e => e.Action == PlanAction.Change);

    public IEnumerable<PlanEntry> Removed => Entries.Where(e => e.Action == PlanAction.Remove);

    public IEnumerable<PlanEntry> Unchanged => Entries.Where(e => e.Action == PlanAction.Unchanged);

    public bool HasChanges => Entries.Any(e => e.Action != PlanAction.Unchanged);

    /// <summary>The plan from <paramref name="current"/> (null: nothing stored yet) to <paramref name="proposed"/>.</summary>
    public static ConfigPlan Compute(IReadOnlyList<ConfigObject>? current, IReadOnlyList<ConfigObject> proposed)
    {
        var before = (current ?? []).ToDictionary(o => (o.Kind, o.Name));
        var entries = new List<PlanEntry>();
        foreach (var obj in proposed)
        {
            var action = before.Remove((obj.Kind, obj.Name), out var old)
                ? (old.Canonical == obj.Canonical ? PlanAction.Unchanged : PlanAction.Change)
                : PlanAction.Create;
            entries.Add(new PlanEntry(obj.Kind, obj.Name, action));
        }

        entries.AddRange(before.Values.Select(o => new PlanEntry(o.Kind, o.Name, PlanAction.Remove)));
        return new ConfigPlan([.. entries.OrderBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal)]);
    }
}
