using System.Net;
using Azure;
using Vigil.Storage.Tests.Support;

namespace Vigil.Storage.Tests.Queues;

/// <summary>The Queue service's XML as Azure sends it (byte order mark included), without a network.</summary>
public sealed class QueueWireFormatTests
{
    private const string Bom = "\uFEFF";

    private static (Vigil.Storage.Queues.QueueClient Queue, FakeTransport Transport) QueueAnswering(HttpStatusCode status, string xml)
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(status, xml, "application/xml"));
        var queue = StorageConnection.Parse(Secrets.KeyConnectionString).CreateQueueServiceClient(transport.Options()).GetQueueClient("alerts");
        return (queue, transport);
    }

    [Fact]
    public async Task ReceiveMessagesAsync_XmlWithByteOrderMark_IsParsed()
    {
        var (queue, transport) = QueueAnswering(HttpStatusCode.OK, Bom +
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage>" +
            "<MessageId>5974b586-0df3-4e2d-ad0c-18e3892bfca2</MessageId>" +
            "<InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime><ExpirationTime>Fri, 16 Oct 2009 21:04:30 GMT</ExpirationTime>" +
            "<PopReceipt>YzQ4Yzg1MDItYTc0Ny00OWNjLTkxYTUtZGM0MDFiZDAwYzEw</PopReceipt><TimeNextVisible>Fri, 09 Oct 2009 23:29:20 GMT</TimeNextVisible>" +
            "<DequeueCount>3</DequeueCount><MessageText>a &amp; b&#xD;\nc</MessageText></QueueMessage></QueueMessagesList>");

        var received = await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30));

        var message = Assert.Single(received.Value);
        Assert.Equal("5974b586-0df3-4e2d-ad0c-18e3892bfca2", message.MessageId);
        Assert.Equal("YzQ4Yzg1MDItYTc0Ny00OWNjLTkxYTUtZGM0MDFiZDAwYzEw", message.PopReceipt);
        Assert.Equal(3, message.DequeueCount);
        Assert.Equal(new DateTimeOffset(2009, 10, 9, 21, 4, 30, TimeSpan.Zero), message.InsertedOn);
        Assert.Equal(new DateTimeOffset(2009, 10, 9, 23, 29, 20, TimeSpan.Zero), message.NextVisibleOn);
        Assert.Equal("a & b\r\nc", message.MessageText);
        Assert.Equal(
            "https://myaccount.queue.core.windows.net/alerts/messages?numofmessages=1&visibilitytimeout=30",
            transport.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task SendMessageAsync_ErrorXmlWithByteOrderMark_GivesErrorCode()
    {
        var (queue, _) = QueueAnswering(HttpStatusCode.RequestEntityTooLarge, Bom +
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>RequestBodyTooLarge</Code><Message>Too large.</Message></Error>");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x"));

        Assert.Equal("RequestBodyTooLarge", error.ErrorCode);
    }

    [Fact]
    public async Task SendMessageAsync_Text_IsXmlEscapedNotBase64WithCarriageReturnsKept()
    {
        var (queue, transport) = QueueAnswering(HttpStatusCode.Created,
            "<QueueMessagesList><QueueMessage><MessageId>m</MessageId><InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime>" +
            "<ExpirationTime>Fri, 31 Dec 9999 23:59:59 GMT</ExpirationTime><PopReceipt>r</PopReceipt>" +
            "<TimeNextVisible>Fri, 09 Oct 2009 21:04:30 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>");

        await queue.SendMessageAsync("{\"a\":\"<b> & c\"}\r\n", visibilityTimeout: TimeSpan.FromSeconds(5), timeToLive: TimeSpan.FromHours(1));

        var sent = Assert.Single(transport.Requests);
        Assert.Equal("<QueueMessage><MessageText>{\"a\":\"&lt;b&gt; &amp; c\"}&#xD;\n</MessageText></QueueMessage>", sent.Body);
        Assert.Equal("https://myaccount.queue.core.windows.net/alerts/messages?visibilitytimeout=5&messagettl=3600", sent.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task SendMessageAsync_TextXmlCannotCarry_ThrowsBeforeSending()
    {
        var (queue, transport) = QueueAnswering(HttpStatusCode.Created, "<QueueMessagesList/>");

        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendMessageAsync("bell \u0007"));

        Assert.Empty(transport.Requests);
    }
}
