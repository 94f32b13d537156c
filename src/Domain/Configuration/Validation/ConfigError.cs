using System.Globalization;
using Vigil.Domain.Configuration.Document;

namespace Vigil.Domain.Configuration.Validation;

/// <summary>
/// One thing wrong with a configuration document: where (a path such as <c>rules[2].thresholds.warning</c>,
/// and the line and column when known) and why, in a sentence that says what to write instead.
/// </summary>
public sealed record ConfigError(string Path, int? Line, int? Column, string Reason)
{
    public static ConfigError At(string path, SourceMark? mark, string reason) => new(path, mark?.Line, mark?.Column, reason);

    public override string ToString()
    {
        var where = string.IsNullOrEmpty(Path) ? "(document)" : Path;
        return Line is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"{where} (line {line}, column {Column}): {Reason}")
            : $"{where}: {Reason}";
    }
}

/// <summary>Builds error paths: <c>rules</c>, <c>rules[2]</c>, <c>rules[2].thresholds.warning</c>.</summary>
public static class ConfigPath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    public static string Item(string parent, int index) => parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
}
