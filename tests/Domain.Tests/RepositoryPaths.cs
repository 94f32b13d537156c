namespace Vigil.Domain.Tests;

/// <summary>Files of the repository the tests read (the sample configuration, the schema, testdata).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string TestData(params string[] parts) => Path.Combine([Root, "tests", "Domain.Tests", "testdata", .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Functions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }
}
