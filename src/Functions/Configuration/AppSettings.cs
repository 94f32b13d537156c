using System.Globalization;

namespace Vigil.Functions.Configuration;

/// <summary>One app setting Vigil reads: its name, its default (null = required or optional without default) and what it does.</summary>
public sealed record AppSetting(string Name, string? Default, string Description, bool Secret = false);

/// <summary>
/// Every app setting the handler or a function.json reads, one partial file per area
/// (AppSettings.&lt;Area&gt;.cs). docs/configuration.md, local.settings.sample.json and infra/bicep are checked
/// against <see cref="All"/> (tests/Deployment.Tests).
/// </summary>
public static partial class AppSettings
{
    public static readonly AppSetting VigilStorage = new(
        "VigilStorage", null, "Vigil's storage account (tables). A connection string (locally UseDevelopmentStorage=true) or, in Azure, VigilStorage__accountName + VigilStorage__credential + VigilStorage__clientId.");

    public static readonly AppSetting ServiceBusConnection = new(
        "ServiceBusConnection", null, "The Service Bus namespace the queue bindings use. In Azure ServiceBusConnection__fullyQualifiedNamespace (+ __credential, __clientId); under DevHost UseDevelopmentStorage=true (queues emulated on Azurite).");

    public static readonly AppSetting HeartbeatSchedule = new(
        "VIGIL_HEARTBEAT_SCHEDULE", "*/30 * * * * *", "Six-field NCRONTAB schedule of the SystemHeartbeat timer (a timer run plus a queue round trip that /api/health reports).");

    /// <summary>Every setting declared in any part of this class (computed on use: static fields of other partial
    /// files may not be initialised yet when this file's initialisers run).</summary>
    public static IReadOnlyList<AppSetting> All => typeof(AppSettings)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(AppSetting))
        .Select(f => (AppSetting)f.GetValue(null)!)
        .OrderBy(s => s.Name, StringComparer.Ordinal)
        .ToList();
}

/// <summary>Reads app settings (environment variables under the host) with their documented defaults.</summary>
public sealed class SettingsReader
{
    private readonly IConfiguration _configuration;

    public SettingsReader(IConfiguration configuration) => _configuration = configuration;

    public string? Get(AppSetting setting) => Get(setting.Name) ?? setting.Default;

    public string? Get(string name)
    {
        var value = _configuration[name.Replace("__", ":", StringComparison.Ordinal)];

        // In Azure, a Key Vault reference whose secret is missing or unreadable stays as its literal text
        // (infra/bicep: receiver secrets): that is "not configured", never a value to use.
        return string.IsNullOrWhiteSpace(value) || IsUnresolvedKeyVaultReference(value) ? null : value;
    }

    public static bool IsUnresolvedKeyVaultReference(string value) =>
        value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    public TimeSpan GetDuration(AppSetting setting)
    {
        var text = Get(setting) ?? throw new InvalidOperationException($"App setting {setting.Name} is required.");
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"App setting {setting.Name} is '{text}', not a duration (hh:mm:ss).");
    }

    public int GetInt32(AppSetting setting)
    {
        var text = Get(setting) ?? throw new InvalidOperationException($"App setting {setting.Name} is required.");
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"App setting {setting.Name} is '{text}', not a whole number.");
    }
}
