using System.Text.RegularExpressions;
using Vigil.Domain.Configuration;

namespace Vigil.Domain.Tests.Configuration;

/// <summary>
/// Every document under testdata/config/invalid is rejected with the precise errors its header lists:
/// <c># expect: PATH @ LINE: FRAGMENT</c> (in the file, or in FILE.expect for JSON).
/// </summary>
public sealed partial class InvalidConfigCorpusTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryPaths.TestData("config", "invalid")).Where(f => !f.EndsWith(".expect", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_InvalidDocument_ReportsEachExpectedError(string fileName)
    {
        var path = RepositoryPaths.TestData("config", "invalid", fileName);
        var expectations = ReadExpectations(path);
        Assert.NotEmpty(expectations);

        var result = ConfigReader.Load(File.ReadAllText(path));

        Assert.False(result.IsValid);
        foreach (var (expectedPath, line, fragment) in expectations)
        {
            Assert.True(
                result.Errors.Any(e => e.Path == expectedPath && e.Line == line && e.Reason.Contains(fragment, StringComparison.Ordinal)),
                $"Expected an error at '{expectedPath}' line {line} containing \"{fragment}\"; got:\n{string.Join("\n", result.Errors)}");
        }

        Assert.Equal(expectations.Count, result.Errors.Count);
    }

    private static List<(string Path, int Line, string Fragment)> ReadExpectations(string file)
    {
        var lines = File.Exists(file + ".expect")
            ? File.ReadAllLines(file + ".expect")
            : File.ReadAllLines(file).Where(l => l.StartsWith("# expect:", StringComparison.Ordinal)).Select(l => l["# expect:".Length..]);
        return [.. lines.Where(l => !string.IsNullOrWhiteSpace(l)).Select(Parse)];

        static (string, int, string) Parse(string line)
        {
            var match = ExpectationPattern().Match(line.Trim());
            Assert.True(match.Success, "Bad expectation line: " + line);
            return (match.Groups["path"].Value.Trim(), int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["fragment"].Value.Trim());
        }
    }

    [GeneratedRegex(@"^(?<path>[^@]*)@\s*(?<line>\d+):(?<fragment>.*)$")]
    private static partial Regex ExpectationPattern();
}
