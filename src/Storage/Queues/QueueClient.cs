using System.Globalization;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Queues;

/// <summary>
/// One storage queue. Message text is sent as-is inside the XML body (XML-escaped), NOT Base64-encoded:
/// set the Functions queue trigger's <c>messageEncoding</c> to <c>none</c> in host.json for messages written here,
/// and expect text, not Base64, from messages written with that setting.
/// </summary>
public sealed class QueueClient
{
    private static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    private readonly StoragePipeline _pipeline;

    internal QueueClient(StoragePipeline pipeline, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _pipeline = pipeline;
        Name = name;
    }

    public string Name { get; }

    private string QueuePath => StoragePipeline.Escape(Name);

    private string MessagesPath => QueuePath + "/messages";

    /// <summary>Creates the queue; an existing queue is not an error.</summary>
    public async Task<Response> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Put, QueuePath);
        return await _pipeline.SendAsync(message, cancellationToken, 409);
    }

    /// <summary>Deletes the queue; the value is false when there was none.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Delete, QueuePath);
        var response = await _pipeline.SendAsync(message, cancellationToken, 404);
        return Response.FromValue(response.Status != 404, response);
    }

    /// <summary>
    /// Sends a message, invisible for <paramref name="visibilityTimeout"/> (default 0) and kept for
    /// <paramref name="timeToLive"/> (default: never expires).
    /// </summary>
    public async Task<Response<SendReceipt>> SendMessageAsync(
        string messageText,
        TimeSpan? visibilityTimeout = null,
        TimeSpan? timeToLive = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        using var message = _pipeline.CreateMessage(RequestMethod.Post, MessagesPath);
        if (visibilityTimeout is { } visibility)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibility, nameof(visibilityTimeout)));
        }

        message.Request.Uri.AppendQuery("messagettl", timeToLive is { } ttl ? TimeToLiveSeconds(ttl) : "-1");
        SetBody(message, messageText);
        var response = await _pipeline.SendAsync(message, cancellationToken);
        return Response.FromValue(QueueXml.SendReceipt(QueueXml.Messages(response).Single()), response);
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> (1-32) messages and hides them for <paramref name="visibilityTimeout"/>.</summary>
    public Task<Response<IReadOnlyList<QueueMessage>>> ReceiveMessagesAsync(
        int maxMessages,
        TimeSpan visibilityTimeout,
        CancellationToken cancellationToken = default) =>
        GetMessagesAsync(
            maxMessages,
            Seconds(visibilityTimeout, nameof(visibilityTimeout), minimum: TimeSpan.FromSeconds(1)),
            QueueXml.ReceivedMessage,
            cancellationToken);

    /// <summary>Looks at up to <paramref name="maxMessages"/> (1-32) visible messages without hiding them.</summary>
    public Task<Response<IReadOnlyList<PeekedMessage>>> PeekMessagesAsync(int maxMessages, CancellationToken cancellationToken = default) =>
        GetMessagesAsync(
            maxMessages,
            visibilityTimeoutSeconds: null,
            QueueXml.PeekedMessage,
            cancellationToken);

    /// <summary>Deletes a received message; one already gone (404) is not an error.</summary>
    public async Task<Response> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessageRequest(RequestMethod.Delete, messageId, popReceipt);
        return await _pipeline.SendAsync(message, cancellationToken, 404);
    }

    /// <summary>
    /// Changes a received message's visibility (0 makes it visible now) and, unless <paramref name="messageText"/>
    /// is null, its text. Use the returned pop receipt from then on.
    /// </summary>
    public async Task<Response<UpdateReceipt>> UpdateMessageAsync(
        string messageId,
        string popReceipt,
        string? messageText,
        TimeSpan visibilityTimeout,
        CancellationToken cancellationToken = default)
    {
        using var message = CreateMessageRequest(RequestMethod.Put, messageId, popReceipt);
        message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout, nameof(visibilityTimeout)));
        if (messageText is not null)
        {
            SetBody(message, messageText);
        }

        var response = await _pipeline.SendAsync(message, cancellationToken);
        return Response.FromValue(
            new UpdateReceipt(
                StorageHeaders.Required(response, "x-ms-popreceipt"),
                StorageHeaders.ParseHttpDate(StorageHeaders.Required(response, "x-ms-time-next-visible"))),
            response);
    }

    /// <summary>The approximate number of messages (visible or not) in the queue.</summary>
    public async Task<Response<int>> GetApproximateMessageCountAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Get, QueuePath);
        message.Request.Uri.AppendQuery("comp", "metadata");
        var response = await _pipeline.SendAsync(message, cancellationToken);
        var count = int.Parse(StorageHeaders.Required(response, "x-ms-approximate-messages-count"), CultureInfo.InvariantCulture);
        return Response.FromValue(count, response);
    }

    /// <summary>Deletes every message in the queue.</summary>
    public async Task<Response> ClearMessagesAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Delete, MessagesPath);
        return await _pipeline.SendAsync(message, cancellationToken);
    }

    // Receive hides the messages for a visibility timeout; without one this is a peek.
    private async Task<Response<IReadOnlyList<T>>> GetMessagesAsync<T>(
        int maxMessages,
        string? visibilityTimeoutSeconds,
        Func<XElement, T> read,
        CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Get, MessagesPath);
        message.Request.Uri.AppendQuery("numofmessages", MessageCount(maxMessages));
        if (visibilityTimeoutSeconds is null)
        {
            message.Request.Uri.AppendQuery("peekonly", "true");
        }
        else
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", visibilityTimeoutSeconds);
        }

        var response = await _pipeline.SendAsync(message, cancellationToken);
        IReadOnlyList<T> messages = QueueXml.Messages(response).Select(read).ToList();
        return Response.FromValue(messages, response);
    }

    private HttpMessage CreateMessageRequest(RequestMethod method, string messageId, string popReceipt)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        var message = _pipeline.CreateMessage(method, MessagesPath + "/" + StoragePipeline.Escape(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        return message;
    }

    private static void SetBody(HttpMessage message, string messageText)
    {
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        message.Request.Content = RequestContent.Create(QueueXml.MessageBody(messageText));
    }

    private static string MessageCount(int maxMessages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        return maxMessages.ToString(CultureInfo.InvariantCulture);
    }

    private static string Seconds(TimeSpan value, string parameterName, TimeSpan? minimum = null)
    {
        if (value < (minimum ?? TimeSpan.Zero) || value > MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(parameterName, value,
                $"Must be between {(minimum ?? TimeSpan.Zero).TotalSeconds} seconds and 7 days.");
        }

        return ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    private static string TimeToLiveSeconds(TimeSpan ttl) =>
        ttl == Timeout.InfiniteTimeSpan || ttl == TimeSpan.MaxValue
            ? "-1"
            : ttl > TimeSpan.Zero
                ? ((long)Math.Ceiling(ttl.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
                : throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A time-to-live must be positive (or infinite).");
}
