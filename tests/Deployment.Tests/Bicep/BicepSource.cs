using System.Text.RegularExpressions;

namespace Vigil.Deployment.Tests.Bicep;

/// <summary>
/// A Bicep file read without the Bicep compiler (none installs on our machines): <see cref="Code"/> is the text
/// with comments and string contents blanked (same length, so indexes match <see cref="Text"/>), keeping string
/// interpolations as code. The scan also reports unbalanced brackets and unterminated strings or comments.
/// </summary>
public sealed partial class BicepSource
{
    private BicepSource(string path, string text, string code, string textWithoutComments, IReadOnlyList<string> problems)
    {
        Path = path;
        Text = text;
        Code = code;
        TextWithoutComments = textWithoutComments;
        Problems = problems;
    }

    public string Path { get; }

    /// <summary>The file as written.</summary>
    public string Text { get; }

    /// <summary>The file with comments and string literal contents replaced by spaces (interpolations kept).</summary>
    public string Code { get; }

    /// <summary>Structural problems: unbalanced or mismatched brackets, unterminated strings or comments.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The text with comments blanked (strings intact, same length), for checks that read string values.</summary>
    public string TextWithoutComments { get; }

    public static BicepSource Load(string path) => Parse(path, File.ReadAllText(path));

    public static BicepSource Parse(string path, string text)
    {
        var code = text.ToCharArray();
        var withoutComments = text.ToCharArray();
        var problems = new List<string>();
        var brackets = new Stack<(char Open, int Line)>();
        var line = 1;
        var i = 0;

        void Blank(int index)
        {
            if (code[index] != '\n')
            {
                code[index] = ' ';
            }
        }

        void BlankComment(int index)
        {
            Blank(index);
            if (withoutComments[index] != '\n')
            {
                withoutComments[index] = ' ';
            }
        }

        // In a single-line string; returns when the string ends or an interpolation opens (then brackets has '$').
        bool ScanString()
        {
            var startLine = line;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\n')
                {
                    problems.Add($"line {startLine}: unterminated string");
                    return false;
                }

                if (c == '\\' && i + 1 < text.Length)
                {
                    Blank(i);
                    Blank(i + 1);
                    i += 2;
                    continue;
                }

                if (c == '\'')
                {
                    i++;
                    return false;
                }

                if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
                {
                    Blank(i);
                    Blank(i + 1);
                    brackets.Push(('$', line));
                    i += 2;
                    return true;
                }

                Blank(i);
                i++;
            }

            problems.Add($"line {startLine}: unterminated string");
            return false;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    BlankComment(i++);
                }

                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    problems.Add($"line {line}: unterminated /* comment");
                    end = text.Length - 2;
                }

                for (; i < end + 2 && i < text.Length; i++)
                {
                    if (text[i] == '\n')
                    {
                        line++;
                    }

                    BlankComment(i);
                }

                continue;
            }

            if (c == '\'' && string.CompareOrdinal(text, i, "'''", 0, 3) == 0)
            {
                var end = text.IndexOf("'''", i + 3, StringComparison.Ordinal);
                if (end < 0)
                {
                    problems.Add($"line {line}: unterminated ''' string");
                    end = text.Length - 3;
                }

                for (var j = i + 3; j < end && j < text.Length; j++)
                {
                    if (text[j] == '\n')
                    {
                        line++;
                    }

                    Blank(j);
                }

                i = end + 3;
                continue;
            }

            if (c == '\'')
            {
                i++;
                ScanString();
                continue;
            }

            switch (c)
            {
                case '{' or '[' or '(':
                    brackets.Push((c, line));
                    break;
                case '}' or ']' or ')':
                    var expected = c switch { '}' => '{', ']' => '[', _ => '(' };
                    if (brackets.Count == 0)
                    {
                        problems.Add($"line {line}: '{c}' closes nothing");
                        break;
                    }

                    var (open, openLine) = brackets.Pop();
                    if (open == '$' && c == '}')
                    {
                        // The end of a string interpolation: back inside the string.
                        Blank(i);
                        i++;
                        ScanString();
                        continue;
                    }

                    if (open != expected)
                    {
                        problems.Add($"line {line}: '{c}' closes '{(open == '$' ? "${" : open.ToString())}' opened on line {openLine}");
                    }

                    break;
            }

            i++;
        }

        foreach (var (open, openLine) in brackets)
        {
            problems.Add($"line {openLine}: '{(open == '$' ? "${" : open.ToString())}' is never closed");
        }

        return new BicepSource(path, text, new string(code), new string(withoutComments), problems);
    }

    /// <summary><c>param name type [= default]</c> declarations: name, line, and the default's text (null if none).</summary>
    public IReadOnlyList<BicepParameter> Parameters =>
        ParamDeclaration().Matches(Code)
            .Select(m => new BicepParameter(
                m.Groups["name"].Value,
                LineOf(m.Index),
                m.Groups["default"].Success ? Text.Substring(m.Groups["default"].Index, m.Groups["default"].Length).Trim() : null,
                m.Index))
            .ToList();

    /// <summary>Whether <paramref name="identifier"/> is used anywhere but where it is declared or as an object key or member name.</summary>
    public bool Uses(string identifier, int declarationIndex)
    {
        foreach (Match match in Regex.Matches(Code, $@"(?<![\w.$]){Regex.Escape(identifier)}(?!\w)"))
        {
            if (match.Index >= declarationIndex && match.Index <= declarationIndex + 6 + identifier.Length)
            {
                continue; // "param <identifier>"
            }

            var lineStart = Code.LastIndexOf('\n', Math.Max(0, match.Index - 1)) + 1;
            var isKey = Code.AsSpan(lineStart, match.Index - lineStart).Trim().Length == 0
                && Regex.IsMatch(Code.AsSpan(match.Index + identifier.Length), @"^\s*:");
            if (!isKey)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Paths of local modules (<c>module x './path.bicep'</c>); registry modules are left out.</summary>
    public IReadOnlyList<(string Path, int Line)> ModulePaths =>
        ModuleDeclaration().Matches(TextWithoutComments)
            .Select(m => (m.Groups["path"].Value, LineOf(m.Index)))
            .Where(m => !m.Item1.StartsWith("br:", StringComparison.Ordinal) && !m.Item1.StartsWith("br/", StringComparison.Ordinal) && !m.Item1.StartsWith("ts:", StringComparison.Ordinal))
            .ToList();

    /// <summary>Every <c>'Type@apiVersion'</c> of a resource or existing resource.</summary>
    public IReadOnlyList<(string Type, string ApiVersion, int Line)> ResourceTypes =>
        ResourceDeclaration().Matches(TextWithoutComments)
            .Select(m => (m.Groups["type"].Value, m.Groups["version"].Value, LineOf(m.Index)))
            .ToList();

    /// <summary>Names of <c>output</c> declarations.</summary>
    public IReadOnlyList<string> Outputs => OutputDeclaration().Matches(Code).Select(m => m.Groups["name"].Value).ToList();

    /// <summary>The text between the brackets that open right after <paramref name="declaration"/> (e.g. "var x =").</summary>
    public string BlockAfter(string declaration)
    {
        var start = Code.IndexOf(declaration, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"{Path}: '{declaration}' not found.");
        }

        var open = Code.IndexOfAny(['{', '['], start + declaration.Length);
        var depth = 0;
        for (var i = open; i < Code.Length; i++)
        {
            depth += Code[i] switch { '{' or '[' or '(' => 1, '}' or ']' or ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return Text.Substring(open + 1, i - open - 1);
            }
        }

        throw new InvalidOperationException($"{Path}: the block after '{declaration}' is never closed.");
    }

    /// <summary>The keys of the object literal after <paramref name="declaration"/> (top level only, quoted or not).</summary>
    public IReadOnlyList<string> ObjectKeysAfter(string declaration)
    {
        var block = Parse(Path, BlockAfter(declaration));
        var codeLines = block.Code.Split('\n');
        var textLines = block.TextWithoutComments.Split('\n');
        var keys = new List<string>();
        var depth = 0;
        for (var i = 0; i < codeLines.Length; i++)
        {
            if (depth == 0 && ObjectKey().Match(textLines[i]) is { Success: true } key)
            {
                keys.Add(key.Groups["key"].Value);
            }

            depth += codeLines[i].Count(c => c is '{' or '[' or '(') - codeLines[i].Count(c => c is '}' or ']' or ')');
        }

        return keys.Distinct(StringComparer.Ordinal).ToList();
    }

    public int LineOf(int index) => Text.AsSpan(0, Math.Min(index, Text.Length)).Count('\n') + 1;

    [GeneratedRegex(@"^[ \t]*param[ \t]+(?<name>\w+)[ \t]+[^\n=]*?(?:=[ \t]*(?<default>[^\n]*))?$", RegexOptions.Multiline)]
    private static partial Regex ParamDeclaration();

    [GeneratedRegex(@"^[ \t]*module[ \t]+\w+[ \t]+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleDeclaration();

    [GeneratedRegex(@"^[ \t]*resource[ \t]+\w+[ \t]+'(?<type>[A-Za-z0-9.]+/[A-Za-z0-9./]+)@(?<version>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ResourceDeclaration();

    [GeneratedRegex(@"^[ \t]*output[ \t]+(?<name>\w+)[ \t]", RegexOptions.Multiline)]
    private static partial Regex OutputDeclaration();

    [GeneratedRegex(@"^\s*'?(?<key>[A-Za-z_][A-Za-z0-9_.-]*)'?\s*:")]
    private static partial Regex ObjectKey();
}

public sealed record BicepParameter(string Name, int Line, string? Default, int Index);
