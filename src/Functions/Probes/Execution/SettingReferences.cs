using System.Text.RegularExpressions;

namespace Vigil.Functions.Probes.Execution;

/// <summary>
/// <c>%NAME%</c> in probe header values and bodies: replaced by the app setting NAME when the probe runs, so
/// secrets (tokens, passwords) stay out of the configuration document. The value itself is never logged or shown.
/// </summary>
public static partial class SettingReferences
{
    /// <summary>Expands every reference; false with the first missing setting's name when one is not set.</summary>
    public static bool TryExpand(string text, Func<string, string?> setting, out string expanded, out string? missing)
    {
        string? firstMissing = null;
        expanded = Reference().Replace(text, match =>
        {
            var value = setting(match.Groups["name"].Value);
            if (value is null)
            {
                firstMissing ??= match.Groups["name"].Value;
                return match.Value;
            }

            return value;
        });
        missing = firstMissing;
        return missing is null;
    }

    public static bool HasReferences(string text) => Reference().IsMatch(text);

    [GeneratedRegex("%(?<name>[A-Za-z_][A-Za-z0-9_]*)%", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
