using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Storage.Blobs;
using Vigil.Storage.Emulation;
using Vigil.Storage.Queues;

namespace Vigil.DevHost.ServiceBus;

/// <summary>A message as stored in the emulation's storage queue.</summary>
public sealed record StoredMessage
{
    [JsonPropertyName("messageId")]
    public required string MessageId { get; init; }

    [JsonPropertyName("sequenceNumber")]
    public required long SequenceNumber { get; init; }

    [JsonPropertyName("enqueuedTimeUtc")]
    public required DateTimeOffset EnqueuedTimeUtc { get; init; }

    [JsonPropertyName("contentType")]
    public string? ContentType { get; init; }

    /// <summary>The body, when it is small enough to live inside the storage queue message.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>The blob holding the body, when it is not inline.</summary>
    [JsonPropertyName("bodyBlob")]
    public string? BodyBlob { get; init; }

    [JsonPropertyName("deadLetterReason")]
    public string? DeadLetterReason { get; init; }

    [JsonPropertyName("deadLetterErrorDescription")]
    public string? DeadLetterErrorDescription { get; init; }

    [JsonPropertyName("deliveryCount")]
    public int? DeliveryCount { get; init; }

    [JsonPropertyName("deadLetteredAt")]
    public DateTimeOffset? DeadLetteredAt { get; init; }
}

/// <summary>A message handed to a receiver: body, system properties and the delivery count.</summary>
public sealed record ReceivedMessage(StoredMessage Stored, string Body, int DeliveryCount, string LockToken);

/// <summary>A dead-lettered message, for people and tests to inspect.</summary>
public sealed record DeadLetteredMessage(StoredMessage Stored, string Body);

/// <summary>
/// Service Bus queues emulated durably on Azurite: queue <c>q</c> is storage queue <c>sb-q</c>, dead letters go
/// to <c>sb-q-deadletter</c>, bodies over <see cref="InlineBodyLimit"/> bytes live in blob container
/// <c>sb-bodies</c>. Peek-lock is the storage queue's visibility timeout: a message is invisible while its
/// invocation runs (the lock is renewed), completed by deleting it, abandoned by making it visible at once (so
/// it is redelivered immediately, as Service Bus does, with DeliveryCount = the queue's dequeue count), and
/// dead-lettered once its delivery count reaches the queue's max delivery count. A crash leaves the message
/// locked until its lock expires; then it is delivered again. Nothing is kept only in memory.
/// </summary>
public sealed class EmulatedServiceBus : IAsyncDisposable
{
    /// <summary>Service Bus Standard's message size limit.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    /// <summary>Bodies up to this size stay inside the storage queue message (64 KB, with room for escaping).</summary>
    public const int InlineBodyLimit = 16 * 1024;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly QueueServiceClient _queues;
    private readonly BlobContainerClient _bodies;
    private readonly IReadOnlyDictionary<string, QueueProperties> _properties;
    private readonly DevHostLog _log;
    private readonly ConcurrentDictionary<string, QueueSignal> _signals = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _pumps = [];
    private long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public EmulatedServiceBus(QueueServiceClient queues, BlobServiceClient blobs, IReadOnlyDictionary<string, QueueProperties> properties, DevHostLog log)
    {
        _queues = queues;
        _bodies = blobs.GetBlobContainerClient(ServiceBusEmulation.BodyContainer);
        _properties = properties;
        _log = log;
    }

    /// <summary>The longest a receiver waits before polling an idle queue again (new local sends wake it at once).</summary>
    public TimeSpan IdlePollLimit { get; init; } = TimeSpan.FromSeconds(1);

    public QueueProperties PropertiesOf(string queueName) =>
        _properties.TryGetValue(queueName, out var properties) ? properties : QueueProperties.Default(queueName);

    public async Task EnsureQueuesAsync(IEnumerable<string> queueNames, CancellationToken cancellationToken)
    {
        await _bodies.CreateIfNotExistsAsync(cancellationToken);
        foreach (var name in queueNames)
        {
            await _queues.GetQueueClient(ServiceBusEmulation.ActiveQueue(name)).CreateIfNotExistsAsync(cancellationToken);
            await _queues.GetQueueClient(ServiceBusEmulation.DeadLetterQueue(name)).CreateIfNotExistsAsync(cancellationToken);
        }
    }

    /// <summary>Sends one message (what a serviceBus output binding does). Over 256 KB fails, as Service Bus does.</summary>
    public async Task<string> SendAsync(string queueName, string body, string contentType, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetByteCount(body);
        if (bytes > MaxMessageBytes)
        {
            throw new MessageSizeExceededException($"The message for queue '{queueName}' has {bytes} bytes; Service Bus Standard accepts at most {MaxMessageBytes}.");
        }

        var messageId = Guid.NewGuid().ToString("N");
        string? blob = null;
        if (bytes > InlineBodyLimit)
        {
            blob = $"{queueName}/{messageId}";
            await _bodies.UploadAsync(blob, BinaryData.FromString(body), overwrite: true, cancellationToken);
        }

        var stored = new StoredMessage
        {
            MessageId = messageId,
            SequenceNumber = Interlocked.Increment(ref _sequence),
            EnqueuedTimeUtc = DateTimeOffset.UtcNow,
            ContentType = contentType,
            Body = blob is null ? body : null,
            BodyBlob = blob,
        };
        await _queues.GetQueueClient(ServiceBusEmulation.ActiveQueue(queueName))
            .SendMessageAsync(JsonSerializer.Serialize(stored, Json), cancellationToken: cancellationToken);
        Signal(queueName).Set();
        return messageId;
    }

    /// <summary>
    /// Starts receiving from <paramref name="queueName"/> with up to <paramref name="maxConcurrentCalls"/> messages in
    /// flight. <paramref name="handler"/> returns null on success or the failure text.
    /// </summary>
    public void StartReceiver(string queueName, int maxConcurrentCalls, Func<ReceivedMessage, CancellationToken, Task<string?>> handler)
    {
        _pumps.Add(Task.Run(() => PumpAsync(queueName, maxConcurrentCalls, handler, _stopping.Token)));
    }

    public async Task<long> GetActiveCountAsync(string queueName, CancellationToken cancellationToken) =>
        (await _queues.GetQueueClient(ServiceBusEmulation.ActiveQueue(queueName)).GetApproximateMessageCountAsync(cancellationToken)).Value;

    public async Task<long> GetDeadLetterCountAsync(string queueName, CancellationToken cancellationToken) =>
        (await _queues.GetQueueClient(ServiceBusEmulation.DeadLetterQueue(queueName)).GetApproximateMessageCountAsync(cancellationToken)).Value;

    /// <summary>Reads (without removing) up to 32 dead-lettered messages of a queue.</summary>
    public async Task<IReadOnlyList<DeadLetteredMessage>> PeekDeadLettersAsync(string queueName, CancellationToken cancellationToken)
    {
        var peeked = await _queues.GetQueueClient(ServiceBusEmulation.DeadLetterQueue(queueName)).PeekMessagesAsync(32, cancellationToken);
        var result = new List<DeadLetteredMessage>();
        foreach (var message in peeked.Value)
        {
            var stored = JsonSerializer.Deserialize<StoredMessage>(message.MessageText, Json)!;
            result.Add(new DeadLetteredMessage(stored, await ReadBodyAsync(stored, cancellationToken)));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var signal in _signals.Values)
        {
            signal.Set();
        }

        try
        {
            await Task.WhenAll(_pumps).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        _stopping.Dispose();
    }

    private async Task PumpAsync(string queueName, int maxConcurrentCalls, Func<ReceivedMessage, CancellationToken, Task<string?>> handler, CancellationToken stopping)
    {
        var queue = _queues.GetQueueClient(ServiceBusEmulation.ActiveQueue(queueName));
        var properties = PropertiesOf(queueName);
        var slots = new SemaphoreSlim(maxConcurrentCalls, maxConcurrentCalls);
        var signal = Signal(queueName);
        var idle = TimeSpan.FromMilliseconds(20);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stopping);
                var reserved = 1;
                while (reserved < Math.Min(32, maxConcurrentCalls) && slots.Wait(0, CancellationToken.None))
                {
                    reserved++;
                }

                var wake = signal.Current;
                var received = (await queue.ReceiveMessagesAsync(reserved, properties.LockDuration, stopping)).Value;
                if (reserved > received.Count)
                {
                    slots.Release(reserved - received.Count);
                }

                if (received.Count == 0)
                {
                    await QueueSignal.WaitAsync(wake, idle, stopping);
                    idle = TimeSpan.FromMilliseconds(Math.Min(idle.TotalMilliseconds * 2, IdlePollLimit.TotalMilliseconds));
                    continue;
                }

                idle = TimeSpan.FromMilliseconds(20);
                foreach (var message in received)
                {
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await DeliverAsync(queueName, queue, properties, message, handler, stopping);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
                        {
                            _log.Error($"Queue {queueName}: delivery of {message.MessageId} broke off ({ex.GetType().Name}: {ex.Message}); the message is redelivered when its lock expires.");
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _log.Error($"Queue {queueName}: receiving failed ({ex.GetType().Name}: {ex.Message}); retrying in 1 s.");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    private async Task DeliverAsync(string queueName, QueueClient queue, QueueProperties properties, QueueMessage message, Func<ReceivedMessage, CancellationToken, Task<string?>> handler, CancellationToken stopping)
    {
        StoredMessage stored;
        try
        {
            stored = JsonSerializer.Deserialize<StoredMessage>(message.MessageText, Json) ?? throw new JsonException("null");
        }
        catch (JsonException)
        {
            await MoveToDeadLetterAsync(queueName, queue, message.MessageId, message.PopReceipt,
                new StoredMessage { MessageId = message.MessageId, SequenceNumber = 0, EnqueuedTimeUtc = message.InsertedOn, Body = message.MessageText },
                "MalformedMessage", "The stored message is not an emulated Service Bus message.", (int)message.DequeueCount, stopping);
            return;
        }

        var deliveryCount = (int)message.DequeueCount;
        if (deliveryCount > properties.MaxDeliveryCount)
        {
            // Its last delivery never finished (e.g. the process died): Service Bus would dead-letter it now.
            await MoveToDeadLetterAsync(queueName, queue, message.MessageId, message.PopReceipt, stored, "MaxDeliveryCountExceeded",
                $"Message could not be consumed after {properties.MaxDeliveryCount} delivery attempts.", deliveryCount - 1, stopping);
            return;
        }

        var body = await ReadBodyAsync(stored, stopping);
        var popReceipt = message.PopReceipt;
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewLoop = Task.Run(async () =>
        {
            // Auto lock renewal while the invocation runs, as the Service Bus extension does.
            var period = properties.LockDuration / 2;
            while (!renewal.IsCancellationRequested)
            {
                await Task.Delay(period, renewal.Token);
                var receipt = await queue.UpdateMessageAsync(message.MessageId, Volatile.Read(ref popReceipt), null, properties.LockDuration, renewal.Token);
                Volatile.Write(ref popReceipt, receipt.Value.PopReceipt);
            }
        }, CancellationToken.None);

        string? failure;
        try
        {
            failure = await handler(new ReceivedMessage(stored, body, deliveryCount, message.PopReceipt), stopping);
        }
        finally
        {
            await renewal.CancelAsync();
            try
            {
                await renewLoop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        var receiptNow = Volatile.Read(ref popReceipt);
        if (failure is null)
        {
            await queue.DeleteMessageAsync(message.MessageId, receiptNow, CancellationToken.None);
            if (stored.BodyBlob is { } blob)
            {
                await _bodies.DeleteIfExistsAsync(blob, CancellationToken.None);
            }

            return;
        }

        if (deliveryCount >= properties.MaxDeliveryCount)
        {
            await MoveToDeadLetterAsync(queueName, queue, message.MessageId, receiptNow, stored, "MaxDeliveryCountExceeded",
                $"Message could not be consumed after {deliveryCount} delivery attempts. Last failure: {failure}", deliveryCount, CancellationToken.None);
            return;
        }

        _log.Info($"Queue {queueName}: message {stored.MessageId} failed on delivery {deliveryCount} of {properties.MaxDeliveryCount} ({failure}); abandoned for redelivery.");
        await queue.UpdateMessageAsync(message.MessageId, receiptNow, null, TimeSpan.Zero, CancellationToken.None);
        Signal(queueName).Set();
    }

    private async Task MoveToDeadLetterAsync(string queueName, QueueClient queue, string messageId, string popReceipt, StoredMessage stored, string reason, string description, int deliveryCount, CancellationToken cancellationToken)
    {
        var deadLetter = stored with
        {
            DeadLetterReason = reason,
            DeadLetterErrorDescription = description,
            DeliveryCount = deliveryCount,
            DeadLetteredAt = DateTimeOffset.UtcNow,
        };
        await _queues.GetQueueClient(ServiceBusEmulation.DeadLetterQueue(queueName))
            .SendMessageAsync(JsonSerializer.Serialize(deadLetter, Json), cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
        _log.Error($"Queue {queueName}: message {stored.MessageId} dead-lettered ({reason}): {description}");
    }

    private async Task<string> ReadBodyAsync(StoredMessage stored, CancellationToken cancellationToken)
    {
        if (stored.BodyBlob is null)
        {
            return stored.Body ?? string.Empty;
        }

        var blob = await _bodies.DownloadIfExistsAsync(stored.BodyBlob, cancellationToken);
        return blob.HasValue ? blob.Value!.ToString() : throw new InvalidOperationException($"The body blob {stored.BodyBlob} of message {stored.MessageId} is missing.");
    }

    private QueueSignal Signal(string queueName) => _signals.GetOrAdd(queueName, _ => new QueueSignal());

    /// <summary>Wakes a receiver when something was sent to its queue in this process.</summary>
    private sealed class QueueSignal
    {
        private TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Set() => Interlocked.Exchange(ref _tcs, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        /// <summary>Completes at the next <see cref="Set"/>: read it before looking at the queue, so no send is missed.</summary>
        public Task Current => Volatile.Read(ref _tcs).Task;

        public static async Task WaitAsync(Task wake, TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                await wake.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }
    }
}

/// <summary>A message larger than Service Bus accepts: the output binding (and so the invocation) fails.</summary>
public sealed class MessageSizeExceededException : Exception
{
    public MessageSizeExceededException(string message)
        : base(message)
    {
    }

    public MessageSizeExceededException()
    {
    }

    public MessageSizeExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
