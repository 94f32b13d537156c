using System.Net;
using System.Text.Json;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>DevHost + the real handler process + Azurite: health, a timer, a queue round trip, redelivery and dead-lettering.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PlatformEndToEndTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private LocalVigil _vigil = null!;

    public PlatformEndToEndTests(AzuriteFixture azurite) => _azurite = azurite;

    public async Task InitializeAsync() => _vigil = await LocalVigil.StartAsync(_azurite);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private string MasterKey => _vigil.Host.MasterKey;

    [Fact]
    public async Task Health_Anonymous_Answers200WithComponents()
    {
        using var response = await _vigil.Client.GetAsync("api/health");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var components = body.RootElement.GetProperty("components");
        Assert.Equal("healthy", components.GetProperty("storage").GetProperty("status").GetString());
        Assert.Contains(body.RootElement.GetProperty("status").GetString(), new[] { "healthy", "degraded" });
        Assert.True(components.TryGetProperty("queues", out _));
        Assert.True(components.TryGetProperty("timers", out _));
    }

    [Fact]
    public async Task SystemHeartbeat_TimerRun_MakesTheQueueRoundTripThatHealthReports()
    {
        var before = DateTimeOffset.UtcNow;

        Assert.Null(await _vigil.Host.RunTimerAsync("SystemHeartbeat", CancellationToken.None));

        await LocalVigil.EventuallyAsync(async () =>
        {
            using var health = await _vigil.GetJsonAsync("api/health");
            var pipeline = health.RootElement.GetProperty("components").GetProperty("pipeline");
            return pipeline.GetProperty("status").GetString() == "healthy"
                && pipeline.GetProperty("data").GetProperty("lastBeatAt").GetDateTimeOffset() >= before;
        }, because: "the heartbeat went timer -> system-heartbeat queue -> SystemHeartbeatReceiver -> table");

        using var health = await _vigil.GetJsonAsync("api/health");
        var timers = health.RootElement.GetProperty("components").GetProperty("timers");
        Assert.Contains(timers.GetProperty("data").EnumerateArray(), t => t.GetProperty("name").GetString() == "SystemHeartbeat");
    }

    [Fact]
    public async Task PoisonMessage_IsRedeliveredThenDeadLettered_AndHealthSaysSo()
    {
        using var send = LocalVigil.Request(HttpMethod.Post, "admin/devhost/queues/system-heartbeat/messages", MasterKey);
        send.Content = new StringContent("this is not a heartbeat");
        using var sent = await _vigil.Client.SendAsync(send);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        JsonElement deadLetter = default;
        await LocalVigil.EventuallyAsync(async () =>
        {
            using var dlq = await _vigil.GetJsonAsync("admin/devhost/queues/system-heartbeat/deadletter", MasterKey);
            var messages = dlq.RootElement.GetProperty("messages");
            if (messages.GetArrayLength() == 0)
            {
                return false;
            }

            deadLetter = messages[0].Clone();
            return true;
        }, because: "the poison message is dead-lettered after the queue's max delivery count");

        Assert.Equal("MaxDeliveryCountExceeded", deadLetter.GetProperty("deadLetterReason").GetString());
        Assert.Equal(5, deadLetter.GetProperty("deliveryCount").GetInt32()); // infra/bicep/queues.json: maxDeliveryCount 5
        Assert.Equal("this is not a heartbeat", deadLetter.GetProperty("body").GetString());
        for (var delivery = 1; delivery < 5; delivery++)
        {
            Assert.Contains(_vigil.Host.Log.Recent, l => l.Contains($"failed on delivery {delivery} of 5", StringComparison.Ordinal));
        }

        Assert.Contains(_vigil.Host.Log.Recent, l => l.Contains("of SystemHeartbeatReceiver rejected", StringComparison.Ordinal));

        using var health = await _vigil.GetJsonAsync("api/health");
        var queues = health.RootElement.GetProperty("components").GetProperty("queues");
        Assert.Equal("degraded", queues.GetProperty("status").GetString());
        Assert.Equal("degraded", health.RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("admin/devhost/queues", null, HttpStatusCode.Unauthorized)]
    [InlineData("admin/devhost/queues", "wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData("admin/devhost/queues", "function", HttpStatusCode.Unauthorized)]
    [InlineData("admin/devhost/queues", "master", HttpStatusCode.OK)]
    [InlineData("api/health", null, HttpStatusCode.OK)]
    public async Task Keys_AreEnforcedLikeTheHost(string path, string? key, HttpStatusCode expected)
    {
        var value = key switch
        {
            "master" => _vigil.Host.MasterKey,
            "function" => _vigil.Host.FunctionKey,
            _ => key,
        };
        using var request = LocalVigil.Request(HttpMethod.Get, path, value);
        using var response = await _vigil.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Handler_KilledLikeACrash_IsRestartedAndServesAgain()
    {
        var firstPid = _vigil.Host.Handler.ProcessId;

        _vigil.Host.Handler.Kill();

        await LocalVigil.EventuallyAsync(async () =>
        {
            if (_vigil.Host.Handler.ProcessId is not { } pid || pid == firstPid)
            {
                return false;
            }

            using var response = await _vigil.Client.GetAsync("api/health");
            return response.StatusCode == HttpStatusCode.OK;
        }, because: "DevHost restarts a handler that died, as the host does");
        Assert.Equal(2, _vigil.Host.Handler.Starts);
    }

    [Fact]
    public async Task HandlerLogs_AreOneJsonObjectPerLine()
    {
        using var _ = await _vigil.Client.GetAsync("api/health");

        var handlerLines = _vigil.Host.Log.Recent.Where(l => l.Contains("] [handler", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(handlerLines);
        foreach (var line in handlerLines)
        {
            var json = line[(line.IndexOf("] {", StringComparison.Ordinal) + 2)..];
            using var document = JsonDocument.Parse(json);
            Assert.True(document.RootElement.TryGetProperty("LogLevel", out var _));
        }
    }
}
