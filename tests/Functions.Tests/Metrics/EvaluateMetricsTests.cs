using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Messages;
using Vigil.Functions.FunctionApp.EvaluateMetrics;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Metrics;

[Collection(AzuriteCollection.Name)]
public sealed class EvaluateMetricsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
    private readonly AzuriteFixture _azurite;

    public EvaluateMetricsTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public void Read_TamperedFingerprint_InvocationFormatException()
    {
        var message = Messages.Delta("m", LabelSet.From(("a", "1")), 1, Now.ToUnixTimeMilliseconds(), "x");
        var series = message.Series[0];
        var tampered = new MetricsMessage
        {
            Id = "x",
            Series = [new MessageSeries { Metric = series.Metric, Labels = new Dictionary<string, string> { ["a"] = "2" }, Kind = series.Kind, Fingerprint = series.Fingerprint, Buckets = series.Buckets }],
        };

        var error = Assert.Throws<InvocationFormatException>(() => EvaluateMetricsFunction.Read(tampered));
        Assert.Contains("fingerprint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 1, "gauge", "AQ==")]
    [InlineData("id", 2, "gauge", "AQ==")]
    [InlineData("id", 1, "summary", "AQ==")]
    [InlineData("id", 1, "gauge", "AQ==")]
    public void Read_InvalidMessage_InvocationFormatException(string id, int version, string kind, string buckets)
    {
        var labels = new Dictionary<string, string>();
        var message = new MetricsMessage
        {
            Id = id,
            Version = version,
            Series = [new MessageSeries { Metric = "m", Labels = labels, Kind = kind, Fingerprint = Vigil.Domain.Metrics.Samples.SeriesKey.Fingerprint("m", LabelSet.Empty), Buckets = buckets }],
        };

        Assert.Throws<InvocationFormatException>(() => EvaluateMetricsFunction.Read(message));
    }

    [Fact]
    public async Task Handle_MergedMessage_ObserverToldOfEverySeriesAfterTheMerge()
    {
        var instance = new StoreInstance(_azurite, new ManualTime(Now));
        var observer = new RecordingObserver(instance);
        var function = new EvaluateMetricsFunction(instance.Merger, observer);
        var tag = Messages.Unique("observer");
        var message = Assert.Single(Messages.FromInflux($"q,test={tag} depth=3,age=9 {Now.ToUnixTimeMilliseconds() - 1000}", Now, "obs"));
        var envelope = System.Text.Json.JsonSerializer.Serialize(new { Data = new { message = System.Text.Json.JsonSerializer.Serialize(message, VigilJson.Options) }, Metadata = new { DeliveryCount = "1" } });
        using var request = InvocationRequest.Parse(System.Text.Encoding.UTF8.GetBytes(envelope), function.Name, "i");

        await function.InvokeAsync(request, new InvocationResult(), CancellationToken.None);

        Assert.Equal(["q_age", "q_depth"], observer.Updates.Select(u => u.Metric).Order());
        Assert.All(observer.Updates, u => Assert.Equal(tag, u.Labels.Get("test")));
        Assert.Equal(2, observer.SeriesVisibleWhenCalled);
    }

    private sealed class RecordingObserver(StoreInstance instance) : ISeriesUpdateObserver
    {
        public List<SeriesUpdate> Updates { get; } = [];

        public int SeriesVisibleWhenCalled { get; private set; }

        public async Task OnSeriesUpdatedAsync(IReadOnlyList<SeriesUpdate> updates, InvocationResult outputs, CancellationToken ct)
        {
            Updates.AddRange(updates);
            foreach (var update in updates)
            {
                var selector = new Vigil.Domain.Metrics.Query.SeriesSelector(update.Metric, [LabelMatcher.Create("test", MatchOperator.Equal, update.Labels.Get("test")!)]);
                SeriesVisibleWhenCalled += (await instance.Query.ListSeriesAsync(selector, ct)).Count;
            }
        }
    }
}
