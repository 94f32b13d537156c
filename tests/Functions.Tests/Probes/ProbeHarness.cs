using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Domain.Alerts.Events;
using Vigil.Domain.Configuration;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Rules.Conditions;
using Vigil.Functions.Alerts;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Evaluation;
using Vigil.Functions.Alerts.History;
using Vigil.Functions.Alerts.State;
using Vigil.Functions.Alerts.Status;
using Vigil.Functions.Configuration;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics;
using Vigil.Functions.Probes;
using Vigil.Functions.Probes.Execution;
using Vigil.Functions.Probes.Network;
using Vigil.Functions.Probes.Recording;
using Vigil.Functions.Probes.Status;
using Vigil.Functions.Storage;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Probes;

[CollectionDefinition(Name)]
public sealed class ProbesAzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Probes on Azurite";
}

/// <summary>A clock the test moves (wall-clock time only: timers and timestamps stay real, so probes still time out).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Components of Vigil's own health, as the test sets them.</summary>
public sealed class FakeComponents : IComponentStatusSource
{
    public Dictionary<string, Domain.Health.HealthStatus> Statuses { get; } = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ComponentKind> Kinds => [ComponentKind.Component];

    public Task<IReadOnlyList<ComponentStatus>> GetStatusesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ComponentStatus>>([.. Statuses.Select(s => new ComponentStatus(ComponentKind.Component, s.Key, s.Value, s.Value.ToString()))]);
}

/// <summary>No metric series (these tests follow statuses only).</summary>
public sealed class EmptySeries : ISeriesQuery
{
    public Task<IReadOnlyList<GroupValue>> QueryAsync(SeriesSelector selector, Aggregation aggregation, TimeSpan window, IReadOnlyList<string> groupBy, DateTimeOffset end, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<GroupValue>>([]);

    public Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(SeriesSelector selector, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SeriesInfo>>([]);
}

/// <summary>The probes area wired by hand on Azurite: the real stores, runner, recorder, evaluator and cycle.</summary>
public sealed class ProbeHarness : IDisposable
{
    private long _version;

    public ProbeHarness(AzuriteFixture azurite, DateTimeOffset start, IHostResolver? resolver = null, IDictionary<string, string?>? settings = null)
    {
        Clock = new ManualClock(start);
        var reader = new SettingsReader(new ConfigurationBuilder().Build());
        Tables = new VigilTables(azurite.StorageConnection.CreateTableServiceClient());
        Store = new ProbeStatusStore(Tables);
        Timing = new ProbeTiming(TimeSpan.FromSeconds(10));
        Config = new ConfigProvider(new ConfigStore(Tables), Clock, reader, NullLogger<ConfigProvider>.Instance);
        Source = new ProbeStatusSource(Config, Store, Timing, Clock);
        Evaluator = new AlertEvaluator(new EmptySeries(), [Source, Components], new AlertStateStore(Tables), new AlertHistoryStore(Tables), reader, NullLogger<AlertEvaluator>.Instance);
        Heartbeats = new HeartbeatRecorder(Store);
        Observer = new ComponentObserver([Source, Components], Store);
        Reporter = new StatusReporter(Config, Store, Observer, Timing, Clock);
        var runner = ProbeExecutorTests.Runner(resolver, settings, Clock, new CapturingLogger<ProbeRunner>(Logs));
        Cycle = new ProbeCycle(Config, Store, runner, new ProbeRecorder(Store), Heartbeats, Observer, Evaluator, Timing, Clock, new CapturingLogger<ProbeCycle>(Logs));
    }

    public ManualClock Clock { get; }

    /// <summary>Every line the cycle and the runner logged (formatted, with exception text).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    public VigilTables Tables { get; }

    public ProbeStatusStore Store { get; }

    public ProbeTiming Timing { get; }

    public ConfigProvider Config { get; }

    public ProbeStatusSource Source { get; }

    public FakeComponents Components { get; } = new();

    public AlertEvaluator Evaluator { get; }

    public HeartbeatRecorder Heartbeats { get; }

    public ComponentObserver Observer { get; }

    public StatusReporter Reporter { get; }

    public ProbeCycle Cycle { get; }

    /// <summary>Puts a configuration document in force (as PUT /api/config would on this instance).</summary>
    public VigilConfig Apply(string yaml)
    {
        var result = ConfigReader.Load(yaml);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Config.Use(new StoredConfig(yaml, ++_version + 1_000_000, ConfigStore.Hash(yaml), Clock.Now, default), result.Config);
        return result.Config!;
    }

    /// <summary>One RunProbes tick <paramref name="after"/> the previous one; returns its report and the alert events it emitted.</summary>
    public async Task<(ProbeCycleReport Report, List<AlertEvent> Events)> TickAsync(TimeSpan? after = null)
    {
        Clock.Advance(after ?? Timing.Tick);
        var outputs = new InvocationResult();
        var report = await Cycle.RunAsync(outputs, CancellationToken.None);
        return (report, Events(outputs));
    }

    public static List<AlertEvent> Events(InvocationResult outputs) =>
        outputs.Outputs.TryGetValue(AlertOutputs.AlertEvents, out var node) && node is JsonArray array
            ? [.. array.Select(n => JsonSerializer.Deserialize<AlertEvent>(n!.ToJsonString(), VigilJson.Options)!)]
            : [];

    public void Dispose() => Config.Dispose();
}

/// <summary>Keeps formatted log lines (message and exception) for assertions.</summary>
public sealed class CapturingLogger<T>(System.Collections.Concurrent.ConcurrentQueue<string> sink) : Microsoft.Extensions.Logging.ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        sink.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
}
