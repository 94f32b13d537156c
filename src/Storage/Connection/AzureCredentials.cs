using Azure.Core;
using Azure.Identity;

namespace Vigil.Storage;

/// <summary>Entra credentials for identity-based connections (<c>&lt;Connection&gt;__credential</c>, <c>__clientId</c>), as Azure Functions reads them.</summary>
public static class AzureCredentials
{
    /// <summary>The credential for connection <paramref name="name"/> from its <c>__credential</c> and <c>__clientId</c> settings.</summary>
    public static TokenCredential FromSettings(string name, Func<string, string?> getSetting) =>
        Create(getSetting($"{name}__credential"), getSetting($"{name}__clientId"));

    /// <summary>
    /// The credential of an identity-based connection: <c>managedidentity</c> (with the user-assigned client id
    /// when given), or DefaultAzureCredential when <paramref name="kind"/> is not set.
    /// </summary>
    public static TokenCredential Create(string? kind, string? clientId)
    {
        if (kind is null)
        {
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        }

        if (string.Equals(kind, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(clientId is null
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        throw new InvalidOperationException(
            $"Unsupported credential '{kind}': use 'managedidentity', or leave it unset for DefaultAzureCredential.");
    }
}
