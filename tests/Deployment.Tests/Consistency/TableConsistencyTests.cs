using System.Text.RegularExpressions;
using Vigil.Deployment.Tests.Support;
using Vigil.Functions.Storage;

namespace Vigil.Deployment.Tests.Consistency;

/// <summary>
/// Every table in <see cref="TableNames.All"/> is created by the app on first use (VigilTables; documented in
/// docs/deployment.md), so in Azure it needs a valid name and the app identity's table role, not a Bicep resource.
/// </summary>
public sealed partial class TableConsistencyTests
{
    [Fact]
    public void TableNames_AreValidAzureTableNames()
    {
        var invalid = TableNames.All.Where(t => !TableName().IsMatch(t) || t.Equals("tables", StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.NotEmpty(TableNames.All);
        Assert.True(invalid.Count == 0, $"not valid Azure table names (3-63 letters and digits, starting with a letter): {string.Join(", ", invalid)}");
    }

    [Fact]
    public void TableNames_AreUnique_CaseInsensitively()
    {
        // Azure table names are case-insensitive: two constants differing in case would share one table.
        var clashes = TableNames.All.GroupBy(t => t, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.Empty(clashes);
    }

    [Fact]
    public void Tables_CreatedByTheApp_AreDocumentedAndAllowedByTheIdentityRole()
    {
        var deployment = DeploymentFiles.ReadDoc("docs/deployment.md");

        Assert.Contains("creates each table on first use", deployment, StringComparison.Ordinal);
        Assert.Contains("roles.storageTableDataContributor", DeploymentFiles.MainBicep.BlockAfter("var appRoleAssignments ="), StringComparison.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
