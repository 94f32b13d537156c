using System.Text.Json;
using System.Xml;

namespace Vigil.DevHost.ServiceBus;

/// <summary>The properties of a Service Bus queue that change delivery: as infra/bicep/queues.json declares them.</summary>
public sealed record QueueProperties(string Name, int MaxDeliveryCount, TimeSpan LockDuration)
{
    public const int DefaultMaxDeliveryCount = 10;
    public static readonly TimeSpan DefaultLockDuration = TimeSpan.FromMinutes(1);

    public static QueueProperties Default(string name) => new(name, DefaultMaxDeliveryCount, DefaultLockDuration);

    /// <summary>Reads <c>{"queues":[{"name","maxDeliveryCount","lockDuration":"PT1M"}]}</c>; a missing file means defaults.</summary>
    public static IReadOnlyDictionary<string, QueueProperties> Load(string? file)
    {
        var result = new Dictionary<string, QueueProperties>(StringComparer.Ordinal);
        if (file is null || !File.Exists(file))
        {
            return result;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(file));
        if (!document.RootElement.TryGetProperty("queues", out var queues) || queues.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException($"{file}: expected {{\"queues\": [...]}}");
        }

        foreach (var queue in queues.EnumerateArray())
        {
            var name = queue.GetProperty("name").GetString() ?? throw new InvalidOperationException($"{file}: a queue has no name");
            var maxDelivery = queue.TryGetProperty("maxDeliveryCount", out var md) ? md.GetInt32() : DefaultMaxDeliveryCount;
            var lockDuration = queue.TryGetProperty("lockDuration", out var ld) ? XmlConvert.ToTimeSpan(ld.GetString()!) : DefaultLockDuration;
            result[name] = new QueueProperties(name, maxDelivery, lockDuration);
        }

        return result;
    }
}
