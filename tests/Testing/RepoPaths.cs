namespace Vigil.Testing;

/// <summary>Paths inside the repository, found by walking up from the test assembly to Functions.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The folder holding Functions.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>Local state that git ignores (Azurite install, test data): &lt;repo&gt;/.vigil.</summary>
    public static string StateDirectory => Path.Combine(RepoRoot, ".vigil");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Functions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Functions.sln was not found above {AppContext.BaseDirectory}.");
    }
}
