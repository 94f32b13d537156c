using Azure.Core;
using Azure.Identity;

namespace Vigil.Functions.Storage;

/// <summary>
/// The Entra credential of an identity-based connection, from its settings like the Functions host reads them:
/// <c>&lt;name&gt;__credential</c> (<c>managedidentity</c>, or unset for DefaultAzureCredential) and <c>&lt;name&gt;__clientId</c>.
/// </summary>
public static class AzureCredentials
{
    public static TokenCredential FromSettings(string name, Func<string, string?> getSetting)
    {
        var kind = getSetting(name + "__credential");
        var clientId = getSetting(name + "__clientId");
        if (kind is null)
        {
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        }

        if (string.Equals(kind, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        throw new InvalidOperationException($"Unsupported credential '{kind}' for connection {name}: use 'managedidentity', or leave it unset for DefaultAzureCredential.");
    }
}
