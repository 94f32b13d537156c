using Vigil.Domain.Configuration.Validation;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Notifications.Config;

/// <summary>Tells the configuration reader which app settings exist (never their values).</summary>
public sealed class AppSettingsLookup : IConfigSettings
{
    private readonly SettingsReader _settings;

    public AppSettingsLookup(SettingsReader settings) => _settings = settings;

    public bool Exists(string name) => _settings.Get(name) is not null;
}
