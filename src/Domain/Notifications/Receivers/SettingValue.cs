using System.Text.RegularExpressions;

namespace Vigil.Domain.Notifications.Receivers;

/// <summary>
/// A receiver value written either literally or as <c>%NAME%</c>, the name of an app setting (a Key Vault
/// reference in Azure) read when a notification is sent. Secrets are always references: only the setting's
/// name is stored, never its value.
/// </summary>
public sealed partial record SettingValue
{
    private SettingValue(string? literal, string? setting)
    {
        Literal = literal;
        Setting = setting;
    }

    /// <summary>The value as written (null for a reference).</summary>
    public string? Literal { get; }

    /// <summary>The app setting's name (null for a literal).</summary>
    public string? Setting { get; }

    public bool IsReference => Setting is not null;

    public static SettingValue FromLiteral(string value) => new(value, null);

    public static SettingValue FromSetting(string name) => new(null, name);

    /// <summary>Reads <c>%NAME%</c> (a whole value naming a setting) or a literal.</summary>
    public static SettingValue Parse(string text)
    {
        var match = ReferencePattern().Match(text);
        return match.Success ? FromSetting(match.Groups["name"].Value) : FromLiteral(text);
    }

    /// <summary>Whether <paramref name="text"/> looks like a reference but is not a valid one (<c>%bad name%</c>, <c>%X</c>).</summary>
    public static bool LooksLikeBrokenReference(string text) =>
        text.Contains('%', StringComparison.Ordinal) && !ReferencePattern().IsMatch(text);

    /// <summary>The value: the literal, or the setting's value from <paramref name="lookup"/> (null when the setting is missing).</summary>
    public string? Resolve(Func<string, string?> lookup) => Literal ?? lookup(Setting!);

    /// <summary>How the value is shown in the configuration and in errors: the literal, or <c>%NAME%</c> (never a secret).</summary>
    public override string ToString() => Literal ?? "%" + Setting + "%";

    [GeneratedRegex("^%(?<name>[A-Za-z_][A-Za-z0-9_]*)%$", RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();
}
