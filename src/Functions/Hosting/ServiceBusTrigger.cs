using System.Text.Json;

namespace Vigil.Functions.Hosting;

/// <summary>A serviceBusTrigger message: the body from <c>Data</c>, the system properties from <c>Metadata</c>.</summary>
public sealed class ServiceBusMessage
{
    public ServiceBusMessage(JsonElement body, string? messageId, int deliveryCount, long? sequenceNumber, DateTimeOffset? enqueuedTimeUtc, string? correlationId, string? contentType)
    {
        Body = body;
        MessageId = messageId;
        DeliveryCount = deliveryCount;
        SequenceNumber = sequenceNumber;
        EnqueuedTimeUtc = enqueuedTimeUtc;
        CorrelationId = correlationId;
        ContentType = contentType;
    }

    /// <summary>The message body as JSON (Vigil's messages are always JSON objects).</summary>
    public JsonElement Body { get; }

    public string? MessageId { get; }

    /// <summary>1 on first delivery; grows with each redelivery.</summary>
    public int DeliveryCount { get; }

    public long? SequenceNumber { get; }

    public DateTimeOffset? EnqueuedTimeUtc { get; }

    public string? CorrelationId { get; }

    public string? ContentType { get; }

    /// <summary>Deserialises the body, naming the binding when it is not the expected JSON object.</summary>
    public T Deserialize<T>(JsonSerializerOptions options)
    {
        try
        {
            return Body.Deserialize<T>(options) ?? throw new InvocationFormatException("the message body is JSON null");
        }
        catch (JsonException ex)
        {
            throw new InvocationFormatException($"the message body does not match {typeof(T).Name}: {ex.Path} ({ex.Message.Split('.')[0]})", ex);
        }
    }

    public static ServiceBusMessage FromInvocation(InvocationRequest invocation, string bindingName)
    {
        var body = EncodedJson.Unwrap(invocation.GetData(bindingName), JsonValueKind.Object);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new InvocationFormatException($"Data.{bindingName} is a JSON {InvocationRequest.Describe(body.ValueKind)}; Vigil's queue messages are JSON objects");
        }

        var deliveryCount = invocation.GetMetadata("DeliveryCount") is { } dc ? EncodedJson.GetInt64(dc) : null;
        return new ServiceBusMessage(
            body,
            invocation.GetMetadata("MessageId") is { } id ? EncodedJson.GetString(id) : null,
            (int)Math.Clamp(deliveryCount ?? 1, 1, int.MaxValue),
            invocation.GetMetadata("SequenceNumber") is { } seq ? EncodedJson.GetInt64(seq) : null,
            invocation.GetMetadata("EnqueuedTimeUtc") is { } enqueued ? EncodedJson.GetDateTimeOffset(enqueued) : null,
            invocation.GetMetadata("CorrelationId") is { } correlation ? EncodedJson.GetString(correlation) : null,
            invocation.GetMetadata("ContentType") is { } contentType ? EncodedJson.GetString(contentType) : null);
    }
}
