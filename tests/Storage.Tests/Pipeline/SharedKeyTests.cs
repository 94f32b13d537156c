using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Vigil.Storage.Pipeline;
using Vigil.Storage.Tests.Support;

namespace Vigil.Storage.Tests.Pipeline;

/// <summary>
/// Shared Key string-to-sign and signatures against vectors computed independently
/// (Python hmac/hashlib over the documented formats).
/// </summary>
public sealed class SharedKeyTests
{
    private const string Date = "Mon, 01 Jan 2024 00:00:00 GMT";
    private static readonly FixedClock Clock = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static Request NewRequest(RequestMethod method, string uri)
    {
        var request = HttpPipelineBuilder.Build(new StorageClientOptions()).CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        return request;
    }

    [Fact]
    public void ForTable_PathStyleEntityUrl_NamesAccountTwiceAndKeepsEscapes()
    {
        var request = NewRequest(RequestMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/alerts(PartitionKey='p%201',RowKey='it%27%27s')");
        request.Headers.Add("x-ms-date", Date);
        request.Headers.Add("Accept", "application/json;odata=minimalmetadata");

        var stringToSign = SharedKeyStringToSign.ForTable(request, "devstoreaccount1");

        Assert.Equal(
            "GET\n\n\nMon, 01 Jan 2024 00:00:00 GMT\n/devstoreaccount1/devstoreaccount1/alerts(PartitionKey='p%201',RowKey='it%27%27s')",
            stringToSign);
    }

    [Fact]
    public void ForTable_WithContentTypeAndComp_SignsContentTypeAndOnlyComp()
    {
        var request = NewRequest(RequestMethod.Put, "https://myaccount.table.core.windows.net/?restype=service&comp=properties");
        request.Headers.Add("x-ms-date", Date);
        request.Headers.Add("Content-Type", "application/xml");

        var stringToSign = SharedKeyStringToSign.ForTable(request, "myaccount");

        Assert.Equal("PUT\n\napplication/xml\nMon, 01 Jan 2024 00:00:00 GMT\n/myaccount/?comp=properties", stringToSign);
    }

    [Fact]
    public void ForBlobQueue_SendMessage_MatchesKnownVector()
    {
        var request = NewRequest(RequestMethod.Post, "https://myaccount.queue.core.windows.net/alerts/messages?visibilitytimeout=30&messagettl=-1");
        request.Headers.Add("x-ms-version", "2021-12-02");
        request.Headers.Add("X-MS-Date", Date);
        request.Headers.Add("x-ms-client-request-id", "abc");
        request.Headers.Add("Content-Type", "application/xml");
        request.Content = RequestContent.Create(BinaryData.FromString("<QueueMessage><MessageText>hi &amp; bye</MessageText></QueueMessage>"));

        var stringToSign = SharedKeyStringToSign.ForBlobQueue(request, "myaccount");

        Assert.Equal(
            "POST\n\n\n68\n\napplication/xml\n\n\n\n\n\n\n" +
            "x-ms-client-request-id:abc\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2021-12-02\n" +
            "/myaccount/alerts/messages\nmessagettl:-1\nvisibilitytimeout:30",
            stringToSign);
    }

    [Fact]
    public void ForBlobQueue_EscapedAndRepeatedQueryValues_AreDecodedSortedAndJoined()
    {
        var request = NewRequest(RequestMethod.Delete, "http://127.0.0.1:10001/devstoreaccount1/q/messages/id1?popreceipt=AgAA%2Bx%2Fy%3D%3D&B=2&b=1");
        request.Headers.Add("x-ms-date", Date);
        request.Headers.Add("If-Match", "*");

        var stringToSign = SharedKeyStringToSign.ForBlobQueue(request, "devstoreaccount1");

        Assert.Equal(
            "DELETE\n\n\n\n\n\n\n\n*\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n" +
            "/devstoreaccount1/devstoreaccount1/q/messages/id1\nb:1,2\npopreceipt:AgAA+x/y==",
            stringToSign);
    }

    [Fact]
    public void Sign_KnownStringToSign_MatchesIndependentHmac()
    {
        var credential = new SharedKeyCredential("myaccount", Convert.FromBase64String(Secrets.AccountKey));
        const string stringToSign =
            "POST\n\n\n68\n\napplication/xml\n\n\n\n\n\n\n" +
            "x-ms-client-request-id:abc\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2021-12-02\n" +
            "/myaccount/alerts/messages\nmessagettl:-1\nvisibilitytimeout:30";

        Assert.Equal("BBPnhm97E9rl/16LejuaFaCQshxoF+/avwUqEGVECPc=", credential.Sign(stringToSign));
    }

    [Fact]
    public async Task GetEntityIfExistsAsync_DevelopmentStorage_SendsKnownAuthorizationHeader()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.NotFound, "{}"));
        var table = StorageConnection.Parse("UseDevelopmentStorage=true")
            .CreateTableServiceClient(transport.Options(Clock))
            .GetTableClient("alerts");

        await table.GetEntityIfExistsAsync("p 1", "it's");

        var sent = Assert.Single(transport.Requests);
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1/alerts(PartitionKey='p%201',RowKey='it%27%27s')", sent.Uri.AbsoluteUri);
        Assert.Equal(Date, sent.Headers["x-ms-date"]);
        Assert.Equal("SharedKey devstoreaccount1:BR/OYfwV2PaFv6UshbPfzSR1QEYiFjlDk1Sav3G8LFM=", sent.Headers["Authorization"]);
    }
}
