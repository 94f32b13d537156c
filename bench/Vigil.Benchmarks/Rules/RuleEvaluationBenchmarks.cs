using BenchmarkDotNet.Attributes;
using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Configuration;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Evaluation;

namespace Vigil.Benchmarks.Rules;

/// <summary>
/// Pure evaluation: one (rule, series) evaluation = the verdict of a rule on one instance's value and the
/// lifecycle step on that instance's state. Target: at least 1 million per second per core.
/// Each benchmark invocation does <see cref="Instances"/> evaluations (OperationsPerInvoke), over a realistic mix
/// of values: most instances quiet, some breaching (pending/firing), some in the hysteresis band.
/// </summary>
[MemoryDiagnoser]
public class RuleEvaluationBenchmarks
{
    private const int Instances = 10_000;

    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private AlertRule _threshold = null!;
    private AlertRule _ratio = null!;
    private AlertState[] _states = null!;
    private double[] _values = null!;
    private double[] _denominators = null!;
    private int _tick;

    [GlobalSetup]
    public void Setup()
    {
        var config = ConfigReader.Load("""
            rules:
              - name: SlowResponses
                metric: http_request_duration_seconds
                aggregate: p95
                groupBy: [service]
                thresholds: { warning: "> 1", critical: "> 3" }
                recover: "< 0.8"
                for: 1m
                keepFiringFor: 2m
              - name: HighErrorRate
                ratio:
                  numerator: { metric: http_requests_total, match: { status: "=~5.." } }
                  denominator: { metric: http_requests_total }
                  minDenominator: 20
                groupBy: [service]
                thresholds: { warning: "> 0.05", critical: "> 0.20" }
                for: 1m
            """).Config ?? throw new InvalidOperationException("benchmark configuration is invalid");
        _threshold = config.RulesByName["SlowResponses"];
        _ratio = config.RulesByName["HighErrorRate"];

        var random = new Random(42);
        _states = new AlertState[Instances];
        _values = new double[Instances];
        _denominators = new double[Instances];
        for (var i = 0; i < Instances; i++)
        {
            _states[i] = AlertState.New(Start);
            // 90 % quiet, 5 % in the band, 5 % breaching (half of them critical).
            var roll = random.NextDouble();
            _values[i] = roll < 0.90 ? random.NextDouble() * 0.7 : roll < 0.95 ? 0.85 : roll < 0.975 ? 2 : 5;
            _denominators[i] = 10 + random.Next(1000);
        }
    }

    [Benchmark(OperationsPerInvoke = Instances)]
    public int ThresholdRule()
    {
        var now = Start.AddSeconds(15 * ++_tick);
        var options = _threshold.Lifecycle;
        var events = 0;
        for (var i = 0; i < _states.Length; i++)
        {
            var verdict = RuleAssessor.AssessValue(_threshold, _values[i]);
            var step = AlertLifecycle.Next(_states[i], verdict, now, options);
            _states[i] = step.State;
            events += step.Events.Count;
        }

        return events;
    }

    [Benchmark(OperationsPerInvoke = Instances)]
    public int RatioRule()
    {
        var now = Start.AddSeconds(15 * ++_tick);
        var options = _ratio.Lifecycle;
        var events = 0;
        for (var i = 0; i < _states.Length; i++)
        {
            var denominator = _denominators[i];
            var verdict = RuleAssessor.AssessRatio(_ratio, _values[i] * 0.3 * denominator, denominator);
            var step = AlertLifecycle.Next(_states[i], verdict, now, options);
            _states[i] = step.State;
            events += step.Events.Count;
        }

        return events;
    }

    /// <summary>The verdict alone (no state): the floor of the evaluation cost.</summary>
    [Benchmark(OperationsPerInvoke = Instances)]
    public int VerdictOnly()
    {
        var breaching = 0;
        for (var i = 0; i < _values.Length; i++)
        {
            if (RuleAssessor.AssessValue(_threshold, _values[i]).Kind == VerdictKind.Breaching)
            {
                breaching++;
            }
        }

        return breaching;
    }
}
