namespace Vigil.DevHost;

/// <summary>Finds the repository DevHost was built from (for the sample settings, queues.json and .vigil state).</summary>
public static class RepositoryLayout
{
    public static string? FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), DevHostOptions.BuildMetadata("RepositoryRoot"), AppContext.BaseDirectory })
        {
            for (var directory = start is null ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Functions.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }
}
