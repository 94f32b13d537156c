using System.Text.RegularExpressions;
using Vigil.Deployment.Tests.Support;
using Vigil.Functions.Configuration;

namespace Vigil.Deployment.Tests.Consistency;

/// <summary>
/// Every setting the code (<see cref="AppSettings.All"/>) or a function.json (%NAME% tokens, connection names) reads
/// is set in Azure by the Bicep (or is optional with a documented default) and is listed in local.settings.sample.json.
/// </summary>
public sealed partial class SettingsConsistencyTests
{
    /// <summary>The host's own storage connection: every function app needs it.</summary>
    private const string HostStorage = "AzureWebJobsStorage";

    private static readonly ISet<string> BicepNames = DeploymentFiles.BicepSettingNames;

    [Fact]
    public void AppSettings_EverySetting_IsSetByBicepOrOptionalWithDocumentedDefault()
    {
        var configurationDoc = DeploymentFiles.ReadDoc("docs/configuration.md");
        var missing = AppSettings.All
            .Where(s => !SetByBicep(s.Name))
            .Where(s => s.Default is null || !configurationDoc.Contains(s.Name, StringComparison.Ordinal))
            .Select(s => s.Default is null
                ? $"{s.Name}: required (no default) but infra/bicep does not set it: add it to infra/bicep/appsettings.json ({(s.Secret ? "\"secrets\"" : "\"settings\"")})"
                : $"{s.Name}: not set by infra/bicep and its default '{s.Default}' is not documented in docs/configuration.md")
            .ToList();

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void AppSettings_SecretSettings_AreKeyVaultReferencesNeverPlainValues()
    {
        var secrets = DeploymentFiles.BicepSecretSettings.ToHashSet(StringComparer.Ordinal);
        var plain = DeploymentFiles.BicepPlainSettings;
        var problems = AppSettings.All.Where(s => s.Secret)
            .SelectMany(s => new[]
            {
                secrets.Contains(s.Name) ? null : $"{s.Name} is Secret but not in infra/bicep/appsettings.json \"secrets\" (Key Vault reference)",
                plain.ContainsKey(s.Name) ? $"{s.Name} is Secret but infra/bicep/appsettings.json gives it a plain value" : null,
            })
            .OfType<string>()
            .ToList();

        // A setting in "secrets" must not also carry a plain value (the plain one would win or confuse).
        problems.AddRange(secrets.Where(plain.ContainsKey).Select(s => $"{s} is both a secret and a plain setting"));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Bicep_SecretSettings_MapToValidKeyVaultSecretNames()
    {
        // functionapp.bicep: SecretName = toLower(replace(setting, '_', '-')); Key Vault allows 1-127 of [0-9a-zA-Z-].
        var invalid = DeploymentFiles.BicepSecretSettings
            .Where(s => !KeyVaultSecretName().IsMatch(s.Replace('_', '-').ToLowerInvariant()))
            .ToList();
        Assert.Empty(invalid);
        Assert.Contains("SecretName=${toLower(replace(s, '_', '-'))}", DeploymentFiles.Module("functionapp.bicep").Text, StringComparison.Ordinal);
        Assert.Contains("keyVaultReferenceIdentity: identityId", DeploymentFiles.Module("functionapp.bicep").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionJson_SettingTokens_AreDeclaredAndSetExplicitlyInAzure()
    {
        // The Functions host resolves %NAME% itself: the C# default of an AppSetting does not help it.
        var declared = AppSettings.All.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var problems = DeploymentFiles.Functions
            .SelectMany(f => f.SettingTokens.Select(token => (f, token)))
            .SelectMany(x => new[]
            {
                declared.Contains(x.token) ? null : $"{x.f.Path}: %{x.token}% is not declared in an AppSettings part",
                BicepNames.Contains(x.token) ? null : $"{x.f.Path}: %{x.token}% is not set by infra/bicep (add it to appsettings.json \"settings\")",
            })
            .OfType<string>()
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void FunctionJson_Connections_AreIdentityBasedInBicep()
    {
        var problems = new List<string>();
        foreach (var function in DeploymentFiles.Functions)
        {
            foreach (var (connection, type) in function.Connections)
            {
                var expected = type.StartsWith("serviceBus", StringComparison.OrdinalIgnoreCase)
                    ? new[] { $"{connection}__fullyQualifiedNamespace" }
                    : new[] { $"{connection}__accountName", $"{connection}__blobServiceUri", $"{connection}__queueServiceUri", $"{connection}__tableServiceUri" };
                if (!expected.Any(BicepNames.Contains))
                {
                    problems.Add($"{function.Path}: connection '{connection}' ({type}) needs {expected[0]} in functionapp.bicep connectionSettings");
                }

                if (BicepNames.Contains(connection))
                {
                    problems.Add($"{function.Path}: connection '{connection}' is set as a connection string in Azure; use identity settings");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Bicep_IdentityConnections_NameTheManagedIdentity()
    {
        var connectionSettings = DeploymentFiles.BicepConnectionSettings;
        var prefixes = connectionSettings
            .Where(s => s.EndsWith("__accountName", StringComparison.Ordinal) || s.EndsWith("__fullyQualifiedNamespace", StringComparison.Ordinal))
            .Select(s => s[..s.IndexOf("__", StringComparison.Ordinal)])
            .ToList();

        Assert.Contains(HostStorage, prefixes);
        var incomplete = prefixes
            .Where(p => !connectionSettings.Contains($"{p}__credential") || !connectionSettings.Contains($"{p}__clientId"))
            .ToList();
        Assert.True(incomplete.Count == 0, $"identity connections without __credential/__clientId: {string.Join(", ", incomplete)}");

        var block = DeploymentFiles.Module("functionapp.bicep").BlockAfter("var connectionSettings =");
        foreach (var prefix in prefixes)
        {
            Assert.Matches($@"{prefix}__credential:\s*'managedidentity'", block);
            Assert.Matches($@"{prefix}__clientId:\s*identityClientId", block);
        }
    }

    [Fact]
    public void Bicep_FlexConsumption_SetsNoRuntimeSettingsOrConnectionStrings()
    {
        // Flex Consumption takes the runtime from functionAppConfig.runtime and rejects these as app settings.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", BicepNames);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", BicepNames);
        Assert.DoesNotContain("WEBSITE_RUN_FROM_PACKAGE", BicepNames);

        // No shared-key connection string anywhere: every connection is identity-based.
        Assert.DoesNotContain(HostStorage, BicepNames);
        foreach (var file in DeploymentFiles.AllBicep)
        {
            Assert.DoesNotContain("AccountKey=", file.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listKeys(", file.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessKey", file.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void LocalSettingsSample_ListsEverySettingTheAppReads()
    {
        var sample = DeploymentFiles.SampleSettings;
        var needed = AppSettings.All.Select(s => s.Name)
            .Concat(DeploymentFiles.Functions.SelectMany(f => f.SettingTokens))
            .Concat(DeploymentFiles.Functions.SelectMany(f => f.Connections.Select(c => c.Connection)))
            .Append(HostStorage)
            .Distinct(StringComparer.Ordinal);
        var missing = needed.Where(n => !sample.ContainsKey(n)).ToList();

        Assert.True(missing.Count == 0, $"local.settings.sample.json lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public void LocalSettingsSample_HoldsNoRealSecrets()
    {
        var secretNames = AppSettings.All.Where(s => s.Secret).Select(s => s.Name).Concat(DeploymentFiles.BicepSecretSettings);
        var sample = DeploymentFiles.SampleSettings;
        var leaks = secretNames
            .Where(sample.ContainsKey)
            .Where(n => RealSecretValue().IsMatch(sample[n]))
            .ToList();

        Assert.True(leaks.Count == 0, $"local.settings.sample.json holds real-looking secrets for: {string.Join(", ", leaks)}");
    }

    private static bool SetByBicep(string name) =>
        BicepNames.Contains(name) || BicepNames.Any(n => n.StartsWith(name + "__", StringComparison.Ordinal));

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex KeyVaultSecretName();

    [GeneratedRegex(@"(hooks\.slack\.com/services/|events\.pagerduty\.com|AccountKey=(?!Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==))", RegexOptions.IgnoreCase)]
    private static partial Regex RealSecretValue();
}
