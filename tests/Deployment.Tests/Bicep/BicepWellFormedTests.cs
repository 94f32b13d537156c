using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Vigil.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Vigil.Deployment.Tests.Bicep;

/// <summary>
/// infra/bicep as far as a check without the Bicep compiler can tell: well-formed, every module present, every
/// param used, recent API versions, no secret defaults; azd conventions (parameters file, outputs, names, azure.yaml).
/// The lint itself is tested on fixtures under testdata/bicep, so a check that stopped working would show.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class BicepWellFormedTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", "bicep", name);

    [Fact]
    public void InfraBicep_EveryFile_PassesTheLint()
    {
        var files = DeploymentFiles.AllBicep;
        var problems = files.SelectMany(BicepLint.Check).ToList();

        Assert.True(files.Count >= 8, $"expected main.bicep and its modules, found {files.Count} files");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Lint_WellFormedFixture_HasNoProblems()
    {
        Assert.Empty(BicepLint.Check(BicepSource.Load(Fixture("valid.bicep"))));
        Assert.Empty(BicepLint.Check(BicepSource.Load(Fixture("valid-child.bicep"))));
    }

    [Theory]
    [InlineData("unbalanced.bicep", "is never closed")]
    [InlineData("unterminated-string.bicep", "unterminated string")]
    [InlineData("unused-param.bicep", "param 'location' is never used")]
    [InlineData("old-api-version.bicep", "is older than 2022-01-01")]
    [InlineData("missing-module.bicep", "module 'modules/not-there.bicep' does not exist")]
    [InlineData("secret-default.bicep", "secret-looking default")]
    public void Lint_BrokenFixture_IsReported(string fixture, string expected)
    {
        var problems = BicepLint.Check(BicepSource.Load(Fixture(fixture)));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void MainBicep_IsResourceGroupScoped_WithModulesPerResourceFamily()
    {
        var main = DeploymentFiles.MainBicep;

        Assert.Contains("targetScope = 'resourceGroup'", main.Text, StringComparison.Ordinal);
        var modules = main.ModulePaths.Select(m => m.Path).ToList();
        foreach (var family in new[] { "identity", "storage", "servicebus", "monitoring", "keyvault", "functionapp", "roleassignments" })
        {
            Assert.Contains($"modules/{family}.bicep", modules);
        }

        Assert.Empty(main.ResourceTypes); // main.bicep composes modules only
    }

    [Fact]
    public void MainParameters_MapOnlyEnvironmentValues_ForEveryRequiredParam()
    {
        var file = DeploymentFiles.ReadObject(Path.Combine(DeploymentFiles.BicepDirectory, "main.parameters.json"));
        var mapped = (file["parameters"] as JsonObject)!;
        var declared = DeploymentFiles.MainBicep.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);

        foreach (var (name, value) in mapped)
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json maps '{name}', which main.bicep does not declare");
            var text = value!["value"]!.GetValue<string>();
            Assert.Matches(@"^\$\{[A-Z][A-Z0-9_]*\}$", text);
        }

        var unmapped = declared.Values.Where(p => p.Default is null && !mapped.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        Assert.True(unmapped.Count == 0, $"required params azd cannot fill: {string.Join(", ", unmapped)}");
    }

    [Fact]
    public void MainBicep_Outputs_AreUpperSnakeForAzd()
    {
        var outputs = DeploymentFiles.MainBicep.Outputs;

        Assert.Contains("SERVICE_VIGIL_NAME", outputs);
        Assert.All(outputs, o => Assert.Matches("^[A-Z][A-Z0-9_]*$", o));
    }

    [Fact]
    public void MainBicep_Names_UseAbbreviationsAndTheResourceToken()
    {
        var main = DeploymentFiles.MainBicep.Text;
        var abbreviations = DeploymentFiles.ReadObject(Path.Combine(DeploymentFiles.BicepDirectory, "abbreviations.json"));
        var used = Regex.Matches(main, @"abbrs\.(?<key>\w+)").Select(m => m.Groups["key"].Value).Distinct().ToList();

        Assert.Contains("var resourceToken = toLower(uniqueString(resourceGroup().id, environmentName, location))", main, StringComparison.Ordinal);
        Assert.NotEmpty(used);
        Assert.All(used, key => Assert.True(abbreviations.ContainsKey(key), $"abbreviations.json has no '{key}'"));
        Assert.All(Regex.Matches(main, @"^\s+name: '(?<name>[^']*)'", RegexOptions.Multiline).Select(m => m.Groups["name"].Value)
            .Where(n => n.Contains("${abbrs.", StringComparison.Ordinal)), n => Assert.Contains("${resourceToken}", n, StringComparison.Ordinal));
    }

    [Fact]
    public void AzureYaml_DeploysTheFunctionAppFromThePackageCommand()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(DeploymentFiles.Root, "azure.yaml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        string Scalar(YamlNode node, params string[] path) =>
            path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]) is YamlScalarNode scalar ? scalar.Value! : throw new InvalidOperationException(string.Join('.', path));

        Assert.Equal("infra/bicep", Scalar(root, "infra", "path"));
        Assert.Equal("main", Scalar(root, "infra", "module"));
        Assert.Equal("function", Scalar(root, "services", "vigil", "host"));
        Assert.Equal("custom", Scalar(root, "services", "vigil", "language"));
        var dist = Scalar(root, "services", "vigil", "dist");
        Assert.Equal("artifacts/app", dist);

        // The hook runs the package script, whose default output folder is the dist folder.
        var hook = Scalar(root, "services", "vigil", "hooks", "prepackage", "posix", "run");
        Assert.Equal("./eng/package.sh", hook);
        var script = Path.Combine(DeploymentFiles.Root, "eng", "package.sh");
        Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, "eng/package.sh is not executable");
        Assert.Contains($"output=\"$root/{dist}\"", File.ReadAllText(script), StringComparison.Ordinal);
        Assert.Contains("'azd-service-name': serviceName", DeploymentFiles.Module("functionapp.bicep").Text, StringComparison.Ordinal);
        Assert.Contains("var serviceName = 'vigil'", DeploymentFiles.MainBicep.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionAppBicep_IsFlexConsumptionCustomHandler_DeployedWithTheIdentity()
    {
        var text = DeploymentFiles.Module("functionapp.bicep").Text;

        Assert.Matches(@"name: 'FC1'\s+tier: 'FlexConsumption'", text);
        Assert.Matches(@"runtime: \{\s+name: 'custom'\s+version: '1\.0'", text);
        Assert.Matches(@"type: 'blobContainer'\s+value: deploymentContainerUrl\s+authentication: \{\s+type: 'UserAssignedIdentity'", text);
        Assert.Matches(@"instanceMemoryMB: instanceMemoryMB\s+maximumInstanceCount: maximumInstanceCount", text);
        Assert.Contains("httpsOnly: true", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Resources_AllowNoKeyBasedAccess()
    {
        Assert.Contains("allowSharedKeyAccess: false", DeploymentFiles.Module("storage.bicep").Text, StringComparison.Ordinal);
        Assert.Contains("minimumTlsVersion: 'TLS1_2'", DeploymentFiles.Module("storage.bicep").Text, StringComparison.Ordinal);
        Assert.Contains("supportsHttpsTrafficOnly: true", DeploymentFiles.Module("storage.bicep").Text, StringComparison.Ordinal);
        Assert.Contains("disableLocalAuth: true", DeploymentFiles.Module("servicebus.bicep").Text, StringComparison.Ordinal);
        Assert.Contains("DisableLocalAuth: true", DeploymentFiles.Module("monitoring.bicep").Text, StringComparison.Ordinal);
        Assert.Contains("enableRbacAuthorization: true", DeploymentFiles.Module("keyvault.bicep").Text, StringComparison.Ordinal);
    }
}
