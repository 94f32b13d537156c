using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Deployment.Tests.Bicep;

/// <summary>
/// What can be checked in a Bicep file without the compiler: balanced brackets and terminated strings outside
/// comments, every local module path exists, every <c>param</c> is used, every resource API version is from
/// 2022 or later (unless the type has nothing newer), and no parameter default looks like a secret.
/// </summary>
public static partial class BicepLint
{
    public static readonly DateOnly OldestApiVersion = new(2022, 1, 1);

    /// <summary>Resource types whose newest API version predates 2022, with the reason they are allowed.</summary>
    public static readonly IReadOnlyDictionary<string, string> OlderApiVersionAllowed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.Insights/components"] = "2020-02-02 is the newest API version of Application Insights components",
    };

    public static IReadOnlyList<string> Check(BicepSource file)
    {
        var problems = file.Problems.Select(p => $"{file.Path}: {p}").ToList();
        var directory = System.IO.Path.GetDirectoryName(file.Path)!;

        foreach (var (path, line) in file.ModulePaths)
        {
            if (!File.Exists(System.IO.Path.Combine(directory, path)))
            {
                problems.Add($"{file.Path}: line {line}: module '{path}' does not exist");
            }
        }

        foreach (var parameter in file.Parameters)
        {
            if (!file.Uses(parameter.Name, parameter.Index))
            {
                problems.Add($"{file.Path}: line {parameter.Line}: param '{parameter.Name}' is never used");
            }

            if (SecretLookingDefault(parameter) is { } why)
            {
                problems.Add($"{file.Path}: line {parameter.Line}: param '{parameter.Name}' has a secret-looking default ({why}); secrets are never parameter defaults");
            }
        }

        foreach (var (type, version, line) in file.ResourceTypes)
        {
            var date = version.Length >= 10 && DateOnly.TryParseExact(version[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null;
            if (date is null)
            {
                problems.Add($"{file.Path}: line {line}: '{type}@{version}' is not an API version");
            }
            else if (date < OldestApiVersion && !OlderApiVersionAllowed.ContainsKey(type))
            {
                problems.Add($"{file.Path}: line {line}: '{type}@{version}' is older than {OldestApiVersion:yyyy-MM-dd}");
            }
        }

        return problems;
    }

    private static string? SecretLookingDefault(BicepParameter parameter)
    {
        if (parameter.Default is null)
        {
            return null;
        }

        var value = parameter.Default.Trim();
        var literal = value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' ? value[1..^1] : null;
        if (SecretName().IsMatch(parameter.Name) && literal is { Length: > 0 })
        {
            return "a literal value for a secret-named parameter";
        }

        if (literal is not null && SecretValue().IsMatch(literal))
        {
            return "the value looks like a key, password or secret URL";
        }

        return null;
    }

    [GeneratedRegex("(password|secret|apikey|api_key|accountkey|token|connectionstring|webhook|routingkey|sas)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(AccountKey=|SharedAccessKey=|SharedAccessSignature=|sig=|hooks\.slack\.com/services/|[A-Za-z0-9+/]{40,}={0,2}$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();
}
