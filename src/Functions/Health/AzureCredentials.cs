using Azure.Core;
using Azure.Identity;

namespace Vigil.Functions.Health;

/// <summary>
/// The token credential of an identity-based connection, read like the Functions host does:
/// <c>&lt;name&gt;__credential</c> = managedidentity (with <c>&lt;name&gt;__clientId</c> for a user-assigned identity), else
/// the default chain. (Stop-gap until the platform provides it: main referenced it before it existed.)
/// </summary>
public static class AzureCredentials
{
    public static TokenCredential FromSettings(string name, Func<string, string?> getSetting)
    {
        var credential = getSetting(name + "__credential");
        var clientId = getSetting(name + "__clientId");
        if (string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return clientId is null ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned) : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }
}
