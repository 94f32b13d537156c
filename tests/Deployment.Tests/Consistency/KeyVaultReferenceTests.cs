using Microsoft.Extensions.Configuration;
using Vigil.Functions.Configuration;

namespace Vigil.Deployment.Tests.Consistency;

/// <summary>An app setting whose Key Vault reference did not resolve reads as not configured, never as a value.</summary>
public sealed class KeyVaultReferenceTests
{
    [Theory]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-abc;SecretName=slack-webhook-url)")]
    [InlineData("  @microsoft.keyvault(SecretUri=https://kv-abc.vault.azure.net/secrets/smtp-password/)")]
    public void SettingsReader_UnresolvedKeyVaultReference_ReadsAsNotSet(string value)
    {
        var reader = new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection([new("SLACK_WEBHOOK_URL", value)]).Build());

        Assert.Null(reader.Get("SLACK_WEBHOOK_URL"));
        Assert.Null(reader.Get(new AppSetting("SLACK_WEBHOOK_URL", null, "test", Secret: true)));
    }

    [Fact]
    public void SettingsReader_ResolvedValue_IsReturned()
    {
        var reader = new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection([new("SLACK_WEBHOOK_URL", "http://127.0.0.1:9/hook")]).Build());

        Assert.Equal("http://127.0.0.1:9/hook", reader.Get("SLACK_WEBHOOK_URL"));
    }
}
