using System.Net;
using Azure;
using Vigil.Storage.Tables;
using Vigil.Storage.Tests.Support;

namespace Vigil.Storage.Tests.Tables;

/// <summary>$batch requests and responses in the real service's format (testdata/), without a network.</summary>
public sealed class TableTransactionResponseTests
{
    private static (TableClient Table, FakeTransport Transport) ClientAnswering(string testdataFile, string boundary)
    {
        var body = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", testdataFile));
        var transport = new FakeTransport((_, _) =>
            FakeTransport.Respond(HttpStatusCode.Accepted, body, $"multipart/mixed; boundary={boundary}"));
        var table = StorageConnection.Parse(Secrets.KeyConnectionString).CreateTableServiceClient(transport.Options()).GetTableClient("t");
        return (table, transport);
    }

    [Fact]
    public async Task SubmitTransactionAsync_ServiceSuccessResponse_ReturnsSubResponsesWithETags()
    {
        var (table, transport) = ClientAnswering("table-batch-response-success.txt", "batchresponse_0b5a2c4e-7f31-4c1d-8e2a-9d6f3b1a5c70");

        var response = await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a") { ["N"] = 1L }),
            new(TableTransactionActionType.Delete, new TableEntity("p", "b"), new ETag("W/\"datetime'x'\"")),
        ]);

        Assert.Equal([204, 204], response.Value.Select(r => r.Status));
        Assert.Equal(new ETag("W/\"datetime'2024-01-01T00%3A00%3A00.1000000Z'\""), response.Value[0].Headers.ETag);
        var sent = Assert.Single(transport.Requests);
        Assert.Equal("https://myaccount.table.core.windows.net/$batch", sent.Uri.AbsoluteUri);
        Assert.StartsWith("multipart/mixed; boundary=batch_", sent.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("POST https://myaccount.table.core.windows.net/t HTTP/1.1\r\n", sent.Body, StringComparison.Ordinal);
        Assert.Contains("{\"PartitionKey\":\"p\",\"RowKey\":\"a\",\"N@odata.type\":\"Edm.Int64\",\"N\":\"1\"}\r\n", sent.Body, StringComparison.Ordinal);
        Assert.Contains("DELETE https://myaccount.table.core.windows.net/t(PartitionKey='p',RowKey='b') HTTP/1.1\r\n", sent.Body, StringComparison.Ordinal);
        Assert.Contains("If-Match: W/\"datetime'x'\"\r\n", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTransactionAsync_ServiceConflictResponse_ThrowsWithFailedIndexStatusAndCode()
    {
        var (table, _) = ClientAnswering("table-batch-response-conflict.txt", "batchresponse_e69b1c6c-0a5e-4d38-a0a3-b2f8a0d8d2c1");

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new(TableTransactionActionType.Add, new TableEntity("p", "b")),
        ]));

        Assert.Equal(1, error.FailedTransactionActionIndex);
        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.True(error.IsConflict);
        Assert.Contains("action 1 (Add RowKey 'b')", error.Message, StringComparison.Ordinal);
        Assert.Contains("The specified entity already exists.", error.Message, StringComparison.Ordinal);
    }
}
