namespace Vigil.Storage.Queues;

/// <summary>What the service returns for a sent message.</summary>
public sealed record SendReceipt(
    string MessageId,
    string PopReceipt,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset NextVisibleOn);

/// <summary>A received message: invisible to others until <see cref="NextVisibleOn"/>; delete it with its pop receipt.</summary>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    long DequeueCount,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset NextVisibleOn,
    string MessageText);

/// <summary>A message seen by peeking: its visibility is unchanged and it has no pop receipt.</summary>
public sealed record PeekedMessage(
    string MessageId,
    long DequeueCount,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    string MessageText);

/// <summary>The new pop receipt and visibility after an update.</summary>
public sealed record UpdateReceipt(string PopReceipt, DateTimeOffset NextVisibleOn);
