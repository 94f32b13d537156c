using System.Net;
using Azure;
using Vigil.Storage.Tables;
using Vigil.Storage.Tests.Support;

namespace Vigil.Storage.Tests.Pipeline;

/// <summary>Failures are classified by Azure.Core's retry policy: 5xx retried (and re-signed), conflicts not.</summary>
public sealed class RetryTests
{
    private const string ConflictJson =
        "{\"odata.error\":{\"code\":\"UpdateConditionNotSatisfied\",\"message\":{\"lang\":\"en-US\",\"value\":\"The update condition specified in the request was not satisfied.\"}}}";

    private const string ServerBusyXml =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code><Message>The server is busy.</Message></Error>";

    private static StorageConnection Connection => StorageConnection.Parse(Secrets.KeyConnectionString);

    /// <summary>A clock that moves one second per reading, so each attempt has its own x-ms-date.</summary>
    private sealed class TickingClock : TimeProvider
    {
        private DateTimeOffset _now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }

    [Fact]
    public async Task AddEntityAsync_503TwiceThenSuccess_RetriesAndSignsEachAttempt()
    {
        var transport = new FakeTransport((attempt, _) => attempt < 2
            ? FakeTransport.Respond(HttpStatusCode.ServiceUnavailable, ServerBusyXml, "application/xml")
            : FakeTransport.Respond(HttpStatusCode.NoContent, headers: ("ETag", "W/\"datetime'2024-01-01T00%3A00%3A00Z'\"")));
        var table = Connection.CreateTableServiceClient(transport.Options(new TickingClock())).GetTableClient("alerts");

        var response = await table.AddEntityAsync(new TableEntity("p", "r"));

        Assert.Equal(204, response.Status);
        Assert.Equal(3, transport.Requests.Count);
        Assert.Equal(3, transport.Requests.Select(r => r.Headers["x-ms-date"]).Distinct().Count());
        Assert.Equal(3, transport.Requests.Select(r => r.Headers["Authorization"]).Distinct().Count());
        Assert.All(transport.Requests, r => Assert.StartsWith("SharedKey myaccount:", r.Headers["Authorization"], StringComparison.Ordinal));
        Assert.Equal(new ETag("W/\"datetime'2024-01-01T00%3A00%3A00Z'\""), response.Headers.ETag);
    }

    [Fact]
    public async Task UpdateEntityAsync_412_ThrowsConflictWithoutRetrying()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.PreconditionFailed, ConflictJson));
        var table = Connection.CreateTableServiceClient(transport.Options()).GetTableClient("alerts");

        var error = await Assert.ThrowsAsync<TableConflictException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "r"), new ETag("W/\"stale\"")));

        Assert.Single(transport.Requests);
        Assert.Equal("W/\"stale\"", transport.Requests[0].Headers["If-Match"]);
        Assert.Equal(412, error.Status);
        Assert.Equal("UpdateConditionNotSatisfied", error.ErrorCode);
        Assert.Equal(412, error.GetRawResponse()!.Status);
    }

    [Fact]
    public async Task AddEntityAsync_409_ThrowsConflictWithoutRetrying()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.Conflict,
            "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"The specified entity already exists.\"}}}"));
        var table = Connection.CreateTableServiceClient(transport.Options()).GetTableClient("alerts");

        var error = await Assert.ThrowsAsync<TableConflictException>(() => table.AddEntityAsync(new TableEntity("p", "r")));

        Assert.Single(transport.Requests);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
    }

    [Fact]
    public async Task SendMessageAsync_503Persisting_ThrowsAfterMaxRetriesWithXmlErrorCode()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.ServiceUnavailable, ServerBusyXml, "application/xml"));
        var options = transport.Options();
        options.Retry.MaxRetries = 2;
        var queue = Connection.CreateQueueServiceClient(options).GetQueueClient("alerts");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("hi"));

        Assert.Equal(3, transport.Requests.Count);
        Assert.Equal(503, error.Status);
        Assert.Equal("ServerBusy", error.ErrorCode);
    }

    [Fact]
    public async Task DownloadIfExistsAsync_500ThenSuccess_Retries()
    {
        var transport = new FakeTransport((attempt, _) => attempt == 0
            ? FakeTransport.Respond(HttpStatusCode.InternalServerError)
            : FakeTransport.Respond(HttpStatusCode.OK, "payload", "application/octet-stream"));
        var container = Connection.CreateBlobServiceClient(transport.Options()).GetBlobContainerClient("state");

        var result = await container.DownloadIfExistsAsync("b");

        Assert.Equal(2, transport.Requests.Count);
        Assert.Equal("payload", result.Value!.ToString());
    }

    [Fact]
    public async Task DeleteMessageAsync_400_ThrowsWithoutRetrying()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.BadRequest,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>PopReceiptMismatch</Code><Message>Mismatch.</Message></Error>",
            "application/xml"));
        var queue = Connection.CreateQueueServiceClient(transport.Options()).GetQueueClient("alerts");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.DeleteMessageAsync("id", "receipt"));

        Assert.Single(transport.Requests);
        Assert.Equal("PopReceiptMismatch", error.ErrorCode);
    }
}
