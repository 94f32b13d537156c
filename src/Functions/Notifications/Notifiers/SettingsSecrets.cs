using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>Resolves receiver values that name app settings (<c>%NAME%</c>) when a notification is sent.</summary>
public sealed class SettingsSecrets
{
    private readonly SettingsReader _settings;

    public SettingsSecrets(SettingsReader settings) => _settings = settings;

    /// <summary>The value, or null with <paramref name="problem"/> naming the missing setting (never a value).</summary>
    public string? Resolve(SettingValue value, string what, out string? problem)
    {
        var resolved = value.Resolve(_settings.Get);
        problem = resolved is null ? $"{what}: the app setting {value.Setting} is not set" : null;
        return resolved;
    }

    public string? Get(AppSetting setting) => _settings.Get(setting);
}
