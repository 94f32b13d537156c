using Vigil.Domain.Configuration;

namespace Vigil.Domain.Tests.Configuration;

public sealed class ConfigPlanTests
{
    private const string Before = """
        probes:
          - name: db
            tcp: { host: db, port: 5432 }
        rules:
          - name: Kept
            metric: m
            thresholds: { warning: "> 1" }
          - name: Edited
            metric: m
            thresholds: { warning: "> 1" }
          - name: Dropped
            metric: m
            thresholds: { warning: "> 1" }
        """;

    private const string After = """
        # comments and layout do not count
        rules:
          - { metric: m, name: Kept, thresholds: { warning: '> 1' } }
          - name: Edited
            metric: m
            thresholds: { warning: "> 2" }
          - name: Added
            metric: m
            thresholds: { warning: "> 1" }
        probes:
          - name: db
            tcp: { port: 5432, host: db }
        """;

    [Fact]
    public void Compute_ReportsCreatedChangedRemovedUnchanged()
    {
        var before = ConfigReader.Load(Before).Config!;
        var after = ConfigReader.Load(After).Config!;

        var plan = ConfigPlan.Compute(before.Objects, after.Objects);

        Assert.Equal(["Added"], plan.Created.Select(e => e.Name));
        Assert.Equal(["Edited"], plan.Changed.Select(e => e.Name));
        Assert.Equal(["Dropped"], plan.Removed.Select(e => e.Name));
        Assert.Equal(["probe/db", "rule/Kept"], plan.Unchanged.Select(e => e.Kind + "/" + e.Name));
        Assert.True(plan.HasChanges);
    }

    [Fact]
    public void Compute_NothingStored_CreatesEverything()
    {
        var plan = ConfigPlan.Compute(null, ConfigReader.Load(Before).Config!.Objects);

        Assert.Equal(4, plan.Created.Count());
        Assert.Empty(plan.Removed);
    }

    [Fact]
    public void Compute_SameDocument_HasNoChanges()
    {
        var config = ConfigReader.Load(Before).Config!;

        Assert.False(ConfigPlan.Compute(config.Objects, config.Objects).HasChanges);
    }
}
