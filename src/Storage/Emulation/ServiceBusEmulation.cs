namespace Vigil.Storage.Emulation;

/// <summary>
/// How DevHost emulates Service Bus queues on Azurite (docs/architecture.md, "DevHost"): queue <c>q</c> is the
/// storage queue <c>sb-q</c>, its dead-letter queue <c>sb-q-deadletter</c>, and bodies too large for a storage
/// queue message live as blobs in <see cref="BodyContainer"/>. The handler reads depths through the same names
/// for /api/health when <c>ServiceBusConnection=UseDevelopmentStorage=true</c>.
/// </summary>
public static class ServiceBusEmulation
{
    public const string BodyContainer = "sb-bodies";

    /// <summary>The value of the Service Bus connection setting that selects the emulation.</summary>
    public const string ConnectionValue = "UseDevelopmentStorage=true";

    public static string ActiveQueue(string queueName) => "sb-" + Validate(queueName);

    public static string DeadLetterQueue(string queueName) => "sb-" + Validate(queueName) + "-deadletter";

    public static bool IsEmulated(string? connectionSetting) =>
        connectionSetting is not null && connectionSetting.Trim().TrimEnd(';').Equals(ConnectionValue, StringComparison.OrdinalIgnoreCase);

    private static string Validate(string queueName)
    {
        // Storage queue names: 3-63 lowercase letters, digits and single hyphens; "sb-" and "-deadletter" must fit.
        if (queueName.Length is 0 or > 49
            || !queueName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || queueName.StartsWith('-') || queueName.EndsWith('-') || queueName.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Queue name '{queueName}' cannot be emulated: use 1-49 lowercase letters, digits and single hyphens.", nameof(queueName));
        }

        return queueName;
    }
}
