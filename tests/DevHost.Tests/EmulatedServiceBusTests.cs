using System.Collections.Concurrent;
using Vigil.DevHost.ServiceBus;
using Vigil.Testing;

namespace Vigil.DevHost.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>The Service Bus emulation against a real Azurite: peek-lock, redelivery, dead-lettering, durability.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EmulatedServiceBusTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly AzuriteFixture _azurite;

    public EmulatedServiceBusTests(AzuriteFixture azurite) => _azurite = azurite;

    private EmulatedServiceBus CreateBus(string queue, int maxDeliveryCount = 3, TimeSpan? lockDuration = null) =>
        new(
            _azurite.StorageConnection.CreateQueueServiceClient(),
            _azurite.StorageConnection.CreateBlobServiceClient(),
            new Dictionary<string, QueueProperties> { [queue] = new(queue, maxDeliveryCount, lockDuration ?? TimeSpan.FromSeconds(30)) },
            new DevHostLog(null))
        {
            IdlePollLimit = TimeSpan.FromMilliseconds(200),
        };

    private string NewQueue() => _azurite.UniqueName("q");

    [Fact]
    public async Task Send_ThenReceive_DeliversBodyOnceAndCompletes()
    {
        var queue = NewQueue();
        await using var bus = CreateBus(queue);
        await bus.EnsureQueuesAsync([queue], CancellationToken.None);
        var received = new ConcurrentQueue<ReceivedMessage>();

        await bus.SendAsync(queue, """{"n":1}""", "text/plain", CancellationToken.None);
        bus.StartReceiver(queue, 4, (message, _) =>
        {
            received.Enqueue(message);
            return Task.FromResult<string?>(null);
        });

        await Eventually(() => received.Count == 1);
        await Task.Delay(500);
        var message = Assert.Single(received);
        Assert.Equal("""{"n":1}""", message.Body);
        Assert.Equal(1, message.DeliveryCount);
        Assert.Equal(0, await bus.GetActiveCountAsync(queue, CancellationToken.None));
    }

    [Fact]
    public async Task Send_LargeBody_RoundTripsThroughBlob()
    {
        var queue = NewQueue();
        await using var bus = CreateBus(queue);
        await bus.EnsureQueuesAsync([queue], CancellationToken.None);
        var body = "{\"data\":\"" + new string('x', 200 * 1024) + "\"}";
        var received = new TaskCompletionSource<string>();

        await bus.SendAsync(queue, body, "text/plain", CancellationToken.None);
        bus.StartReceiver(queue, 1, (message, _) =>
        {
            received.TrySetResult(message.Body);
            return Task.FromResult<string?>(null);
        });

        Assert.Equal(body, await received.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task Send_Over256KB_IsRefusedLikeServiceBus()
    {
        var queue = NewQueue();
        await using var bus = CreateBus(queue);
        await bus.EnsureQueuesAsync([queue], CancellationToken.None);

        await Assert.ThrowsAsync<MessageSizeExceededException>(() => bus.SendAsync(queue, new string('x', 256 * 1024 + 1), "text/plain", CancellationToken.None));
    }

    [Fact]
    public async Task FailingInvocation_IsRedeliveredWithGrowingCount_ThenDeadLettered()
    {
        var queue = NewQueue();
        await using var bus = CreateBus(queue, maxDeliveryCount: 3);
        await bus.EnsureQueuesAsync([queue], CancellationToken.None);
        var deliveries = new ConcurrentQueue<int>();

        await bus.SendAsync(queue, """{"poison":true}""", "text/plain", CancellationToken.None);
        bus.StartReceiver(queue, 2, (message, _) =>
        {
            deliveries.Enqueue(message.DeliveryCount);
            return Task.FromResult<string?>("handler answered 500");
        });

        await Eventually(async () => (await bus.PeekDeadLettersAsync(queue, CancellationToken.None)).Count == 1);
        Assert.Equal([1, 2, 3], deliveries.Order());
        var deadLetter = Assert.Single(await bus.PeekDeadLettersAsync(queue, CancellationToken.None));
        Assert.Equal("MaxDeliveryCountExceeded", deadLetter.Stored.DeadLetterReason);
        Assert.Equal(3, deadLetter.Stored.DeliveryCount);
        Assert.Contains("handler answered 500", deadLetter.Stored.DeadLetterErrorDescription, StringComparison.Ordinal);
        Assert.Equal("""{"poison":true}""", deadLetter.Body);
        Assert.Equal(0, await bus.GetActiveCountAsync(queue, CancellationToken.None));
    }

    [Fact]
    public async Task Message_SurvivesARestart_AndACrashMidInvocation()
    {
        var queue = NewQueue();
        var bus = CreateBus(queue, lockDuration: TimeSpan.FromSeconds(2));
        await bus.EnsureQueuesAsync([queue], CancellationToken.None);
        await bus.SendAsync(queue, """{"n":7}""", "text/plain", CancellationToken.None);
        var firstDelivery = new TaskCompletionSource<int>();

        // The first "process" takes the message and dies before finishing the invocation.
        bus.StartReceiver(queue, 1, async (message, stopping) =>
        {
            firstDelivery.TrySetResult(message.DeliveryCount);
            await Task.Delay(Timeout.Infinite, stopping);
            return null;
        });
        Assert.Equal(1, await firstDelivery.Task.WaitAsync(Wait));
        await bus.DisposeAsync();

        // A new one gets it again once the lock expired, with DeliveryCount 2.
        await using var restarted = CreateBus(queue, lockDuration: TimeSpan.FromSeconds(2));
        var secondDelivery = new TaskCompletionSource<ReceivedMessage>();
        restarted.StartReceiver(queue, 1, (message, _) =>
        {
            secondDelivery.TrySetResult(message);
            return Task.FromResult<string?>(null);
        });

        var redelivered = await secondDelivery.Task.WaitAsync(Wait);
        Assert.Equal(2, redelivered.DeliveryCount);
        Assert.Equal("""{"n":7}""", redelivered.Body);
    }

    [Fact]
    public async Task LongInvocation_KeepsItsLockRenewed_AndIsNotDeliveredTwice()
    {
        var queue = NewQueue();
        await using var bus = CreateBus(queue, lockDuration: TimeSpan.FromSeconds(2));
        await bus.EnsureQueuesAsync([queue], CancellationToken.None);
        var deliveries = 0;

        await bus.SendAsync(queue, """{"slow":true}""", "text/plain", CancellationToken.None);
        bus.StartReceiver(queue, 4, async (message, stopping) =>
        {
            Interlocked.Increment(ref deliveries);
            await Task.Delay(TimeSpan.FromSeconds(5), stopping);
            return null;
        });

        await Eventually(async () => Volatile.Read(ref deliveries) == 1 && await bus.GetActiveCountAsync(queue, CancellationToken.None) == 0);
        Assert.Equal(1, Volatile.Read(ref deliveries));
    }

    private static Task Eventually(Func<bool> condition) => Eventually(() => Task.FromResult(condition()));

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("The condition did not become true within " + Wait);
            }

            await Task.Delay(100);
        }
    }
}
