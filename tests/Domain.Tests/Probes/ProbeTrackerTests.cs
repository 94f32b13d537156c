using Vigil.Domain.Health;
using Vigil.Domain.Probes.Results;
using Vigil.Domain.Probes.Status;

namespace Vigil.Domain.Tests.Probes;

public sealed class ProbeTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private const char Ok = 'H';

    /// <summary>Runs a sequence of results (H healthy, D degraded, U unhealthy), one per 10 s, and returns the status after each.</summary>
    private static (string Statuses, ProbeState State) Run(string runs, int failureThreshold, int successThreshold, ProbeState? from = null)
    {
        var state = from ?? ProbeState.Initial;
        var statuses = new List<char>();
        for (var i = 0; i < runs.Length; i++)
        {
            var at = Start.AddSeconds(10 * i);
            var raw = runs[i] switch { Ok => HealthStatus.Healthy, 'D' => HealthStatus.Degraded, _ => HealthStatus.Unhealthy };
            var result = new ProbeResult(at, TimeSpan.FromMilliseconds(5), raw, raw == HealthStatus.Healthy ? null : "boom " + i);
            state = ProbeTracker.Next(state, result, failureThreshold, successThreshold, at).State;
            statuses.Add(state.Status switch { HealthStatus.Healthy => 'H', HealthStatus.Degraded => 'D', HealthStatus.Unhealthy => 'U', _ => '?' });
        }

        return (new string([.. statuses]), state);
    }

    [Theory]
    // runs, failureThreshold, successThreshold, statuses after each run
    [InlineData("HHH", 1, 1, "HHH")]
    [InlineData("U", 1, 1, "U")]
    [InlineData("U", 2, 1, "?")]
    [InlineData("UU", 2, 1, "?U")]
    [InlineData("UH", 2, 1, "?H")]
    [InlineData("HUH", 2, 2, "HHH")]
    [InlineData("HUUH", 2, 2, "HHUU")]
    [InlineData("HUUHH", 2, 2, "HHUUH")]
    [InlineData("HUUHUHH", 2, 2, "HHUUUUH")]
    [InlineData("HUUUU", 3, 1, "HHHUU")]
    [InlineData("HUUD", 2, 1, "HHUD")]
    [InlineData("HUUDH", 2, 2, "HHUUD")]
    [InlineData("HUUDD", 2, 2, "HHUUD")]
    [InlineData("HUUDHH", 2, 2, "HHUUDH")]
    [InlineData("HD", 1, 1, "HD")]
    [InlineData("HDH", 2, 2, "HHH")]
    [InlineData("HDDHH", 2, 2, "HHDDH")]
    [InlineData("HDUH", 2, 1, "HHDH")]
    [InlineData("D", 2, 1, "H")]
    [InlineData("DD", 2, 1, "HD")]
    [InlineData("UD", 2, 1, "?D")]
    [InlineData("HUHUHU", 2, 1, "HHHHHH")]
    public void Next_Sequence_SmoothsAsDocumented(string runs, int failureThreshold, int successThreshold, string expected) =>
        Assert.Equal(expected, Run(runs, failureThreshold, successThreshold).Statuses);

    [Fact]
    public void Next_StatusChange_SetsSinceToThatRun()
    {
        var (_, state) = Run("HHUUU", 2, 1);

        Assert.Equal(HealthStatus.Unhealthy, state.Status);
        Assert.Equal(Start.AddSeconds(30).AddMilliseconds(5), state.Since);
        Assert.Equal(5, state.Runs);
    }

    [Fact]
    public void Next_ReportsChangeOnlyWhenTheStatusMoves()
    {
        var state = ProbeState.Initial;
        var changes = new List<bool>();
        foreach (var raw in new[] { HealthStatus.Healthy, HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy })
        {
            var step = ProbeTracker.Next(state, new ProbeResult(Start, TimeSpan.Zero, raw), 2, 1, Start);
            changes.Add(step.Changed);
            state = step.State;
        }

        Assert.Equal([true, false, false, true, false], changes);
    }

    [Fact]
    public void Next_Blip_IsRememberedAsLastErrorAfterRecovery()
    {
        var (statuses, state) = Run("HUH", 2, 1);

        Assert.Equal("HHH", statuses);
        Assert.Equal("boom 1", state.LastError);
        Assert.Equal(Start.AddSeconds(10).AddMilliseconds(5), state.LastErrorAt);
        Assert.Null(state.LastResult!.Error);
    }

    [Fact]
    public void CurrentStatus_NoRecentResult_IsUnknown()
    {
        var (_, state) = Run("H", 1, 1);
        var stale = TimeSpan.FromMinutes(2);

        Assert.Equal(HealthStatus.Healthy, ProbeTracker.CurrentStatus(state, Start.AddMinutes(2), stale));
        Assert.Equal(HealthStatus.Unknown, ProbeTracker.CurrentStatus(state, Start.AddMinutes(3), stale));
        Assert.Equal(HealthStatus.Unknown, ProbeTracker.CurrentStatus(ProbeState.Initial, Start, stale));
    }
}

public sealed class ProbeSamplesTests
{
    [Fact]
    public void Of_HttpsRun_GivesTheFourMetricsLabelledByProbe()
    {
        var probe = new Vigil.Domain.Probes.ProbeDefinition("api-health", new Vigil.Domain.Probes.TcpProbeTarget("h", 1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 1, 1);
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var result = new ProbeResult(at, TimeSpan.FromMilliseconds(250), HealthStatus.Degraded, "slow", 200, 20.5);

        var samples = Vigil.Domain.Probes.Results.ProbeSamples.Of(probe, result).ToList();

        Assert.Equal(
            [("probe_success", 1d), ("probe_duration_seconds", 0.25), ("probe_http_status_code", 200d), ("probe_tls_cert_days_left", 20.5)],
            samples.Select(s => (s.Metric, s.Value)));
        Assert.All(samples, s => Assert.Equal("probe=\"api-health\", source=\"vigil:probes\", type=\"tcp\"", string.Join(", ", s.Labels.Select(l => $"{l.Name}=\"{l.Value}\""))));
        Assert.All(samples, s => Assert.Equal(at.AddMilliseconds(250).ToUnixTimeMilliseconds(), s.TimestampMs));
    }

    [Fact]
    public void Of_FailedRunWithoutAnswer_IsSuccessZeroAndDurationOnly()
    {
        var probe = new Vigil.Domain.Probes.ProbeDefinition("db", new Vigil.Domain.Probes.TcpProbeTarget("h", 1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 1, 1);

        var samples = Vigil.Domain.Probes.Results.ProbeSamples.Of(probe, ProbeResult.Failed(DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(10), "timed out")).ToList();

        Assert.Equal([("probe_success", 0d), ("probe_duration_seconds", 10d)], samples.Select(s => (s.Metric, s.Value)));
    }

    [Fact]
    public void ToMessages_ThousandProbes_SplitUnderTheLimitAndDecodeToTheSamples()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var samples = Enumerable.Range(0, 1000)
            .SelectMany(i => Vigil.Domain.Probes.Results.ProbeSamples.Of(
                new Vigil.Domain.Probes.ProbeDefinition($"probe-{i:D4}", new Vigil.Domain.Probes.TcpProbeTarget("h", 1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 1, 1),
                new ProbeResult(at.AddMilliseconds(i), TimeSpan.FromMilliseconds(5 + (i % 50)), i % 10 == 0 ? HealthStatus.Unhealthy : HealthStatus.Healthy, null, 200, null)))
            .ToList();

        var messages = Vigil.Domain.Probes.Results.ProbeSamples.ToMessages(samples, "tick");

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(Vigil.Domain.Metrics.Messages.MessageSplitter.MeasureAsHostWrites(m) <= Vigil.Domain.Metrics.Messages.MessageSplitter.DefaultMaxMessageBytes));
        var series = messages.SelectMany(m => m.Series).ToList();
        Assert.Equal(3000, series.Count);
        Assert.Equal(messages.Count, messages.Select(m => m.Id).Distinct().Count());
        var success = series.Where(s => s.Metric == "probe_success").ToDictionary(s => s.Labels["probe"], s => Assert.Single(s.DecodeBuckets()).Aggregate.LastValue);
        Assert.Equal(0, success["probe-0010"]);
        Assert.Equal(1, success["probe-0011"]);
        Assert.All(series, s => Assert.Equal("gauge", s.Kind));
    }

    [Fact]
    public void ToMessages_NoSamples_NoMessage() => Assert.Empty(Vigil.Domain.Probes.Results.ProbeSamples.ToMessages([], "tick"));
}
