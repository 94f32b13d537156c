using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Vigil.DevHost.Settings;

/// <summary>
/// The app settings of a local run: <c>Values</c> of local.settings.json (as <c>func start</c> reads them),
/// overlaid with DevHost's own overrides. They become the handler's environment variables, as in Azure.
/// </summary>
public sealed partial class LocalSettings
{
    private readonly Dictionary<string, string> _values;

    public LocalSettings(IReadOnlyDictionary<string, string> values, string? sourceFile)
    {
        _values = new Dictionary<string, string>(values, StringComparer.OrdinalIgnoreCase);
        SourceFile = sourceFile;
    }

    public string? SourceFile { get; }

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? Get(string name) => _values.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : Environment.GetEnvironmentVariable(name);

    public LocalSettings With(IReadOnlyDictionary<string, string>? overrides)
    {
        if (overrides is null || overrides.Count == 0)
        {
            return this;
        }

        var merged = new Dictionary<string, string>(_values, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides)
        {
            merged[key] = value;
        }

        return new LocalSettings(merged, SourceFile);
    }

    /// <summary>Expands <c>%NAME%</c> tokens from the settings, as the host's name resolver does. Unknown tokens are removed.</summary>
    public string Expand(string text) => Token().Replace(text, m => Get(m.Groups[1].Value) ?? string.Empty);

    /// <summary>Expands a value that must resolve (e.g. a timer schedule); throws naming the missing setting.</summary>
    public string ExpandRequired(string text, string where)
    {
        foreach (Match match in Token().Matches(text))
        {
            if (Get(match.Groups[1].Value) is null)
            {
                throw new InvalidOperationException($"{where} uses %{match.Groups[1].Value}%, which is not set in {SourceFile ?? "the settings"}.");
            }
        }

        return Expand(text);
    }

    public static LocalSettings Load(string file)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new InvalidOperationException($"{file}: not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{file}: not valid JSON at line {ex.LineNumber + 1}", ex);
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (json[nameof(Values)] is JsonObject settings)
        {
            foreach (var (key, value) in settings)
            {
                values[key] = value switch
                {
                    null => string.Empty,
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    _ => value.ToJsonString(),
                };
            }
        }

        return new LocalSettings(values, file);
    }

    [GeneratedRegex("%([A-Za-z0-9_:.\\-]+)%")]
    private static partial Regex Token();
}
