using System.Net;
using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Deployment.Tests.Package;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>What ships is what is tested: DevHost runs the package command's output on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PublishedAppEndToEndTests
{
    private readonly AzuriteFixture _azurite;

    public PublishedAppEndToEndTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task PublishedApp_UnderDevHost_AnswersHealth200AndRunsTheQueuePipeline()
    {
        var package = await PublishedPackage.GetAsync();
        await using var vigil = await LocalVigil.StartAsync(_azurite, options => options.ScriptRoot = package.AppRoot);

        Assert.Equal(Path.GetFullPath(package.AppRoot), vigil.Host.App.ScriptRoot);
        Assert.StartsWith(Path.GetFullPath(package.AppRoot), vigil.Host.Handler.ExecutablePath, StringComparison.Ordinal);

        using (var response = await vigil.Client.GetAsync(new Uri("api/health", UriKind.Relative)))
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("healthy", body.RootElement.GetProperty("components").GetProperty("storage").GetProperty("status").GetString());
        }

        // Timer -> Service Bus output -> queue trigger -> table, all in the published handler.
        var before = DateTimeOffset.UtcNow;
        Assert.Null(await vigil.Host.RunTimerAsync("SystemHeartbeat", CancellationToken.None));
        await LocalVigil.EventuallyAsync(async () =>
        {
            using var health = await vigil.GetJsonAsync("api/health");
            var pipeline = health.RootElement.GetProperty("components").GetProperty("pipeline");
            return pipeline.GetProperty("status").GetString() == "healthy"
                && pipeline.GetProperty("data").GetProperty("lastBeatAt").GetDateTimeOffset() >= before;
        }, because: "the published handler made the heartbeat round trip");
    }
}
