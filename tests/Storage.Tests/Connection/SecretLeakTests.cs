using System.Net;
using Azure;
using Vigil.Storage.Tables;
using Vigil.Storage.Tests.Support;

namespace Vigil.Storage.Tests.Connection;

/// <summary>No account key, SAS or bearer token may appear in ToString, exception messages or exception ToString.</summary>
public sealed class SecretLeakTests
{
    private const string Forbidden =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.</Message></Error>";

    [Fact]
    public void ToString_SharedKeyConnection_OmitsKey()
    {
        var text = StorageConnection.Parse(Secrets.KeyConnectionString).ToString();

        Secrets.AssertNone(text);
        Assert.Contains("myaccount", text, StringComparison.Ordinal);
        Assert.Contains("SharedKey", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_SasConnection_OmitsSas()
    {
        var text = StorageConnection.Parse(Secrets.SasConnectionString).ToString();

        Secrets.AssertNone(text);
        Assert.DoesNotContain("sv=", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_DevelopmentStorage_OmitsWellKnownKey()
    {
        var text = StorageConnection.Parse("UseDevelopmentStorage=true").ToString();

        Assert.DoesNotContain(StorageConnection.DevelopmentAccountKey, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountName=a;AccountKey=" + Secrets.AccountKey + ";Garbage")]
    [InlineData("AccountName=a;" + Secrets.AccountKey)]
    [InlineData("AccountName=a;AccountKey=%%" + Secrets.AccountKey)]
    [InlineData("AccountKey=" + Secrets.AccountKey)]
    [InlineData("AccountName=a;AccountKey=" + Secrets.AccountKey + ";TableEndpoint=ftp://x/?" + Secrets.Sas)]
    public void Parse_InvalidConnectionString_ErrorOmitsSecrets(string connectionString)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnection.Parse(connectionString));

        Secrets.AssertNone(error.ToString());
    }

    [Fact]
    public async Task RequestFailedException_SharedKeyTableQueueBlob_OmitsKey()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.Forbidden, Forbidden, "application/xml"));
        var connection = StorageConnection.Parse(Secrets.KeyConnectionString);

        var errors = new List<Exception>
        {
            await Assert.ThrowsAsync<RequestFailedException>(() =>
                connection.CreateTableServiceClient(transport.Options()).GetTableClient("t").AddEntityAsync(new TableEntity("p", "r"))),
            await Assert.ThrowsAsync<RequestFailedException>(() =>
                connection.CreateQueueServiceClient(transport.Options()).GetQueueClient("q").SendMessageAsync("m")),
            await Assert.ThrowsAsync<RequestFailedException>(() =>
                connection.CreateBlobServiceClient(transport.Options()).GetBlobContainerClient("c").UploadAsync("b", BinaryData.Empty, true)),
        };

        Assert.All(errors, e => Assert.Equal("AuthenticationFailed", ((RequestFailedException)e).ErrorCode));
        Assert.All(errors, e => Secrets.AssertNone(e.ToString()));
        Assert.All(transport.Requests, r => Secrets.AssertNone(r.Headers["Authorization"]));
    }

    [Fact]
    public async Task RequestFailedException_SasConnection_OmitsSas()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.Forbidden, Forbidden, "application/xml"));
        var queue = StorageConnection.Parse(Secrets.SasConnectionString).CreateQueueServiceClient(transport.Options()).GetQueueClient("q");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1)));

        Secrets.AssertNone(error.ToString());
    }

    [Fact]
    public async Task RequestFailedException_BearerToken_OmitsToken()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.Unauthorized, Forbidden, "application/xml"));
        var connection = StorageConnection.FromSettings("S", key => key == "S__accountName" ? "a" : null, (_, _) => new FakeTokenCredential());

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => connection.CreateBlobServiceClient(transport.Options()).GetBlobContainerClient("c").DownloadIfExistsAsync("b"));

        Secrets.AssertNone(error.ToString());
        Secrets.AssertNone(connection.ToString());
    }

    [Fact]
    public async Task TableTransactionFailedException_ServiceConflict_OmitsKey()
    {
        var body = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", "table-batch-response-conflict.txt"));
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.Accepted, body,
            "multipart/mixed; boundary=batchresponse_e69b1c6c-0a5e-4d38-a0a3-b2f8a0d8d2c1"));
        var table = StorageConnection.Parse(Secrets.KeyConnectionString).CreateTableServiceClient(transport.Options()).GetTableClient("t");

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new(TableTransactionActionType.Add, new TableEntity("p", "b")),
        ]));

        Secrets.AssertNone(error.ToString());
    }
}
