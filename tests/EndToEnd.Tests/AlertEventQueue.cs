using System.Text.Json;
using Vigil.Storage.Emulation;
using Vigil.Storage.Queues;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Reads what Vigil put on the <c>alert-events</c> queue (DevHost emulates it as the storage queue
/// <c>sb-alert-events</c>), draining it. Tests that use it disable the router (<see cref="RouterDisabledSetting"/>).
/// </summary>
public sealed class AlertEventQueue
{
    /// <summary>The host setting that keeps the router from consuming alert-events (so a test can read them).</summary>
    public const string RouterDisabledSetting = "AzureWebJobs.RouteAlerts.Disabled";

    private readonly QueueClient _queue;

    public AlertEventQueue(AzuriteFixture azurite) =>
        _queue = azurite.StorageConnection.CreateQueueServiceClient().GetQueueClient(ServiceBusEmulation.ActiveQueue("alert-events"));

    /// <summary>Every event received so far, with the time the queue got it.</summary>
    public List<(JsonElement Event, DateTimeOffset EnqueuedAt)> Received { get; } = [];

    public async Task DrainAsync()
    {
        await _queue.CreateIfNotExistsAsync();
        while (true)
        {
            var messages = (await _queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
            if (messages.Count == 0)
            {
                return;
            }

            foreach (var message in messages)
            {
                using var stored = JsonDocument.Parse(message.MessageText);
                var body = stored.RootElement.GetProperty("body").GetString()!;
                using var alertEvent = JsonDocument.Parse(body);
                Received.Add((alertEvent.RootElement.Clone(), stored.RootElement.GetProperty("enqueuedTimeUtc").GetDateTimeOffset()));
                await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    /// <summary>The states announced for <paramref name="rule"/>, in order.</summary>
    public List<string> StatesOf(string rule) =>
        [.. Received.Where(e => e.Event.GetProperty("rule").GetString() == rule).OrderBy(e => e.Event.GetProperty("sequence").GetInt64()).Select(e => e.Event.GetProperty("state").GetString()!)];

    /// <summary>Drains until <paramref name="rule"/> has announced <paramref name="state"/> (or fails the test after the timeout).</summary>
    public async Task WaitForAsync(string rule, string state, TimeSpan? timeout = null) =>
        await LocalVigil.EventuallyAsync(
            async () =>
            {
                await DrainAsync();
                return StatesOf(rule).Contains(state);
            },
            timeout,
            $"an alert event '{state}' for {rule}");
}
