using Azure;
using Vigil.Storage.Queues;
using Vigil.Storage.Tests.Support;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Queues;

[Collection(AzuriteCollection.Name)]
public sealed class QueueClientTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan ShortVisibility = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task SendMessageAsync_ThenReceive_ReturnsTextVerbatimWithReceipt()
    {
        var queue = await azurite.CreateQueueAsync();
        const string text = "{\"alert\":\"disk <90%> & 'rising'\",\"note\":\"ünï ✓\"}\r\nsecond line\n\tthird";

        var sent = await queue.SendMessageAsync(text);
        var received = await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30));

        var message = Assert.Single(received.Value);
        Assert.Equal(text, message.MessageText);
        Assert.Equal(sent.Value.MessageId, message.MessageId);
        Assert.Equal(1, message.DequeueCount);
        Assert.False(string.IsNullOrEmpty(message.PopReceipt));
        Assert.InRange(message.InsertedOn, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.True(message.NextVisibleOn > DateTimeOffset.UtcNow.AddSeconds(20));
        Assert.Equal(9999, sent.Value.ExpiresOn.Year); // default time-to-live: never expires
        Assert.False(string.IsNullOrEmpty(sent.Value.PopReceipt));
    }

    [Fact]
    public async Task SendMessageAsync_TimeToLive_SetsExpiry()
    {
        var queue = await azurite.CreateQueueAsync();

        var sent = await queue.SendMessageAsync("short-lived", timeToLive: TimeSpan.FromMinutes(10));

        Assert.InRange(sent.Value.ExpiresOn - sent.Value.InsertedOn, TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task SendMessageAsync_VisibilityTimeout_DelaysDelivery()
    {
        var queue = await azurite.CreateQueueAsync();

        var sent = await queue.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromSeconds(2));
        var early = await queue.ReceiveMessagesAsync(1, ShortVisibility);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var late = await queue.ReceiveMessagesAsync(1, ShortVisibility);

        Assert.True(sent.Value.NextVisibleOn > sent.Value.InsertedOn);
        Assert.Empty(early.Value);
        Assert.Equal("later", Assert.Single(late.Value).MessageText);
    }

    [Fact]
    public async Task ReceiveMessagesAsync_AfterVisibilityTimeout_RedeliversWithHigherDequeueCount()
    {
        var queue = await azurite.CreateQueueAsync();
        await queue.SendMessageAsync("retry me");

        var first = await queue.ReceiveMessagesAsync(1, ShortVisibility);
        var hidden = await queue.ReceiveMessagesAsync(1, ShortVisibility);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var second = await queue.ReceiveMessagesAsync(1, ShortVisibility);

        Assert.Equal(1, Assert.Single(first.Value).DequeueCount);
        Assert.Empty(hidden.Value);
        var again = Assert.Single(second.Value);
        Assert.Equal(2, again.DequeueCount);
        Assert.Equal(first.Value[0].MessageId, again.MessageId);
        Assert.NotEqual(first.Value[0].PopReceipt, again.PopReceipt);
    }

    [Fact]
    public async Task ReceiveMessagesAsync_MaxMessages_ReceivesAtMostThatMany()
    {
        var queue = await azurite.CreateQueueAsync();
        for (var i = 0; i < 5; i++)
        {
            await queue.SendMessageAsync($"m{i}");
        }

        var batch = await queue.ReceiveMessagesAsync(3, TimeSpan.FromSeconds(30));
        var rest = await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30));

        Assert.Equal(3, batch.Value.Count);
        Assert.Equal(2, rest.Value.Count);
    }

    [Fact]
    public async Task ReceiveMessagesAsync_EmptyQueue_ReturnsNoMessages()
    {
        var queue = await azurite.CreateQueueAsync();

        var received = await queue.ReceiveMessagesAsync(32, ShortVisibility);

        Assert.Empty(received.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public async Task ReceiveMessagesAsync_MaxMessagesOutOfRange_Throws(int maxMessages)
    {
        var queue = azurite.StorageConnection.CreateQueueServiceClient().GetQueueClient("unused");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(maxMessages, ShortVisibility));
    }

    [Fact]
    public async Task PeekMessagesAsync_VisibleMessage_LeavesItVisibleAndUncounted()
    {
        var queue = await azurite.CreateQueueAsync();
        await queue.SendMessageAsync("look");

        var peeked = await queue.PeekMessagesAsync(32);
        var received = await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30));

        var peek = Assert.Single(peeked.Value);
        Assert.Equal("look", peek.MessageText);
        Assert.Equal(0, peek.DequeueCount);
        Assert.Equal(1, Assert.Single(received.Value).DequeueCount);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task UpdateMessageAsync_NewTextAndZeroVisibility_RedeliversUpdatedText()
    {
        var queue = await azurite.CreateQueueAsync();
        await queue.SendMessageAsync("v1");
        var received = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value);

        var updated = await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, "v2 <&>", TimeSpan.Zero);
        var again = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value);

        Assert.NotEqual(received.PopReceipt, updated.Value.PopReceipt);
        Assert.Equal("v2 <&>", again.MessageText);
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task UpdateMessageAsync_NullText_ExtendsVisibilityAndKeepsText()
    {
        var queue = await azurite.CreateQueueAsync();
        await queue.SendMessageAsync("keep");
        var received = Assert.Single((await queue.ReceiveMessagesAsync(1, ShortVisibility)).Value);

        var updated = await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, null, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var hidden = await queue.ReceiveMessagesAsync(1, ShortVisibility);
        var peeked = await queue.GetApproximateMessageCountAsync();

        Assert.True(updated.Value.NextVisibleOn > DateTimeOffset.UtcNow.AddSeconds(20));
        Assert.Empty(hidden.Value);
        Assert.Equal(1, peeked.Value);
        await queue.UpdateMessageAsync(received.MessageId, updated.Value.PopReceipt, null, TimeSpan.Zero);
        Assert.Equal("keep", Assert.Single((await queue.ReceiveMessagesAsync(1, ShortVisibility)).Value).MessageText);
    }

    [Fact]
    public async Task DeleteMessageAsync_ReceivedMessage_RemovesItAndRepeatIsNotAnError()
    {
        var queue = await azurite.CreateQueueAsync();
        await queue.SendMessageAsync("done");
        var received = Assert.Single((await queue.ReceiveMessagesAsync(1, ShortVisibility)).Value);

        var deleted = await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);
        var repeated = await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(204, deleted.Status);
        Assert.Equal(404, repeated.Status);
        Assert.Empty((await queue.ReceiveMessagesAsync(32, ShortVisibility)).Value);
        Assert.Equal(0, (await queue.GetApproximateMessageCountAsync()).Value);
    }

    [Fact]
    public async Task GetApproximateMessageCountAsync_AfterSendsAndClear_CountsMessages()
    {
        var queue = await azurite.CreateQueueAsync();
        for (var i = 0; i < 3; i++)
        {
            await queue.SendMessageAsync($"m{i}");
        }

        var before = await queue.GetApproximateMessageCountAsync();
        await queue.ClearMessagesAsync();
        var after = await queue.GetApproximateMessageCountAsync();

        Assert.Equal(3, before.Value);
        Assert.Equal(0, after.Value);
    }

    [Fact]
    public async Task CreateIfNotExistsAsync_Twice_IsNotAnError()
    {
        var queue = azurite.StorageConnection.CreateQueueServiceClient().GetQueueClient(azurite.UniqueName("q"));

        var first = await queue.CreateIfNotExistsAsync();
        var second = await queue.CreateIfNotExistsAsync();

        Assert.Equal(201, first.Status);
        Assert.InRange(second.Status, 204, 409);
    }

    [Fact]
    public async Task DeleteIfExistsAsync_ExistingThenMissing_ReportsWhetherItExisted()
    {
        var queue = await azurite.CreateQueueAsync();

        var first = await queue.DeleteIfExistsAsync();
        var second = await queue.DeleteIfExistsAsync();

        Assert.True(first.Value);
        Assert.False(second.Value);
    }

    [Fact]
    public async Task SendMessageAsync_MissingQueue_ThrowsWithXmlErrorCode()
    {
        var queue = azurite.StorageConnection.CreateQueueServiceClient().GetQueueClient(azurite.UniqueName("q"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("lost"));

        Assert.Equal(404, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
    }
}
