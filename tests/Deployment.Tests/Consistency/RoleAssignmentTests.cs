using System.Text.RegularExpressions;
using Vigil.Deployment.Tests.Support;
using Vigil.Functions.Configuration;
using Vigil.Functions.Messaging;
using Vigil.Functions.Storage;

namespace Vigil.Deployment.Tests.Consistency;

/// <summary>
/// Every data-plane access the app makes has a role assignment for the app identity, scoped to the resource, named
/// guid(scope, principal, role) and produced by the one looped module (modules/roleassignments.bicep).
/// </summary>
public sealed partial class RoleAssignmentTests
{
    /// <summary>Built-in role definition IDs (the same in every tenant).</summary>
    private static readonly Dictionary<string, string> BuiltInRoles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["storageBlobDataOwner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["storageQueueDataContributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["storageTableDataContributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["serviceBusDataReceiver"] = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
        ["serviceBusDataSender"] = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        ["serviceBusDataOwner"] = "090c5cfd-751d-490a-894a-3ce6f1109419",
        ["monitoringMetricsPublisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
        ["keyVaultSecretsUser"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["keyVaultSecretsOfficer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    };

    private static readonly string[] Targets = ["storage", "serviceBus", "keyVault", "applicationInsights"];

    [Fact]
    public void MainBicep_RoleIds_AreTheBuiltInRoles()
    {
        var block = DeploymentFiles.MainBicep.BlockAfter("var roles =");
        var declared = RoleDeclaration().Matches(block).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["id"].Value, StringComparer.Ordinal);

        Assert.NotEmpty(declared);
        foreach (var (name, id) in declared)
        {
            Assert.True(BuiltInRoles.TryGetValue(name, out var expected), $"role '{name}' is not one this test knows: add its built-in ID here");
            Assert.Equal(expected, id);
        }
    }

    [Fact]
    public void AppIdentity_HasARoleForEveryDataPlaneAccess()
    {
        var granted = AppAssignments();
        var required = new List<(string Target, string Role, string Why)>
        {
            ("storage", "storageBlobDataOwner", "AzureWebJobsStorage and the deployment package container"),
            ("storage", "storageQueueDataContributor", "AzureWebJobsStorage queues"),
        };
        if (TableNames.All.Count > 0)
        {
            required.Add(("storage", "storageTableDataContributor", $"tables {string.Join(", ", TableNames.All)}"));
        }

        var functions = DeploymentFiles.Functions;
        if (functions.Any(f => f.BindingTypes.Contains("serviceBusTrigger", StringComparer.OrdinalIgnoreCase)))
        {
            required.Add(("serviceBus", "serviceBusDataReceiver", "serviceBusTrigger functions"));
        }

        if (functions.Any(f => f.BindingTypes.Contains("serviceBus", StringComparer.OrdinalIgnoreCase)))
        {
            required.Add(("serviceBus", "serviceBusDataSender", "serviceBus output bindings"));
        }

        if (QueueNames.All.Count > 0)
        {
            required.Add(("serviceBus", "serviceBusDataOwner", "queue depths for /api/health and trigger scaling"));
        }

        if (DeploymentFiles.BicepSecretSettings.Count > 0 || AppSettings.All.Any(s => s.Secret))
        {
            required.Add(("keyVault", "keyVaultSecretsUser", "Key Vault references in app settings"));
        }

        if (DeploymentFiles.BicepConnectionSettings.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"))
        {
            required.Add(("applicationInsights", "monitoringMetricsPublisher", "Entra-authenticated telemetry"));
        }

        var missing = required.Where(r => !granted.Contains((r.Target, r.Role))).Select(r => $"{r.Role} on {r.Target} ({r.Why})").ToList();
        Assert.True(missing.Count == 0, "the app identity lacks: " + string.Join("; ", missing));
    }

    [Fact]
    public void AppIdentity_HoldsNoRoleBeyondDataPlaneAccess()
    {
        // Least privilege: no Owner/Contributor-style control-plane role, and each role on one resource.
        var main = DeploymentFiles.MainBicep.Text;
        Assert.DoesNotContain("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", main, StringComparison.OrdinalIgnoreCase); // Owner
        Assert.DoesNotContain("b24988ac-6180-42a0-ab88-20f7382dd24c", main, StringComparison.OrdinalIgnoreCase); // Contributor
        Assert.All(AppAssignments(), a => Assert.Contains(a.Target, Targets));
    }

    [Fact]
    public void RoleAssignments_AreProducedByOneLoopedModule_NamedByScopePrincipalAndRole()
    {
        var assignmentResources = DeploymentFiles.AllBicep
            .SelectMany(f => f.ResourceTypes.Where(r => r.Type == "Microsoft.Authorization/roleAssignments").Select(_ => Path.GetFileName(f.Path)))
            .Distinct()
            .ToList();
        Assert.Equal(["roleassignments.bicep"], assignmentResources);
        Assert.Single(Regex.Matches(DeploymentFiles.MainBicep.Text, @"module \w+ 'modules/roleassignments\.bicep'"));

        var module = DeploymentFiles.Module("roleassignments.bicep").Text;
        var resources = Regex.Matches(module, @"resource (?<symbol>\w+) 'Microsoft\.Authorization/roleAssignments@[^']+' = \[for a in (?<list>\w+): \{\s*name: guid\((?<scope>\w+)\.id, a\.principalId, a\.roleDefinitionId\)\s*scope: (?<scope2>\w+)\s");
        Assert.Equal(Targets.Length, resources.Count);
        Assert.All(resources, r => Assert.Equal(r.Groups["scope"].Value, r.Groups["scope2"].Value));
        foreach (var target in Targets)
        {
            Assert.Contains($"filter(assignments, a => a.target == '{target}')", module, StringComparison.Ordinal);
        }
    }

    private static HashSet<(string Target, string Role)> AppAssignments()
    {
        var block = DeploymentFiles.MainBicep.BlockAfter("var appRoleAssignments =");
        var entries = Regex.Matches(block, @"\{(?<body>[^{}]*)\}");
        Assert.NotEmpty(entries);
        return entries
            .Select(e => (
                Regex.Match(e.Groups["body"].Value, @"target:\s*'(?<t>\w+)'").Groups["t"].Value,
                Regex.Match(e.Groups["body"].Value, @"roleDefinitionId:\s*roles\.(?<r>\w+)").Groups["r"].Value))
            .ToHashSet();
    }

    [GeneratedRegex(@"(?<name>\w+):\s*'(?<id>[0-9a-f-]{36})'")]
    private static partial Regex RoleDeclaration();
}
