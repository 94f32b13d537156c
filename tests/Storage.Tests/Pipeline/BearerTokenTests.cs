using System.Net;
using Azure.Identity;
using Vigil.Storage.Tables;
using Vigil.Storage.Tests.Support;

namespace Vigil.Storage.Tests.Pipeline;

/// <summary>Identity-based settings authenticate with a bearer token for Storage, never a Shared Key.</summary>
public sealed class BearerTokenTests
{
    private static Func<string, string?> Settings(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public async Task CreateClients_IdentityBasedSettings_SendBearerTokenForStorageScope()
    {
        var credential = new FakeTokenCredential();
        var connection = StorageConnection.FromSettings(
            "VigilStorage", Settings(("VigilStorage__accountName", "prodaccount")), (_, _) => credential);
        var transport = new FakeTransport((_, request) => request.Method == HttpMethod.Get
            ? FakeTransport.Respond(HttpStatusCode.OK, "{\"value\":[]}")
            : FakeTransport.Respond(HttpStatusCode.Created, "<QueueMessagesList><QueueMessage><MessageId>m</MessageId>" +
                "<InsertionTime>Mon, 01 Jan 2024 00:00:00 GMT</InsertionTime><ExpirationTime>Fri, 31 Dec 9999 23:59:59 GMT</ExpirationTime>" +
                "<PopReceipt>r</PopReceipt><TimeNextVisible>Mon, 01 Jan 2024 00:00:00 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>",
                "application/xml"));

        await foreach (var _ in connection.CreateTableServiceClient(transport.Options()).GetTableClient("alerts").QueryAsync())
        {
        }

        await connection.CreateQueueServiceClient(transport.Options()).GetQueueClient("alerts").SendMessageAsync("hi");

        Assert.Equal(2, transport.Requests.Count);
        Assert.Equal("https://prodaccount.table.core.windows.net/alerts()", transport.Requests[0].Uri.AbsoluteUri);
        Assert.Equal("https://prodaccount.queue.core.windows.net/alerts/messages?messagettl=-1", transport.Requests[1].Uri.AbsoluteUri);
        Assert.All(transport.Requests, r => Assert.Equal("Bearer " + Secrets.BearerToken, r.Headers["Authorization"]));
        Assert.All(credential.RequestedScopes, scopes => Assert.Equal(["https://storage.azure.com/.default"], scopes));
    }

    [Fact]
    public void FromSettings_CredentialAndClientId_ArePassedToTheCredentialFactory()
    {
        (string? Kind, string? ClientId) seen = default;

        StorageConnection.FromSettings(
            "VigilStorage",
            Settings(("VigilStorage__accountName", "a"), ("VigilStorage__credential", "managedidentity"), ("VigilStorage__clientId", "client-1")),
            (kind, clientId) =>
            {
                seen = (kind, clientId);
                return new FakeTokenCredential();
            });

        Assert.Equal(("managedidentity", "client-1"), seen);
    }

    [Fact]
    public void FromSettings_ManagedIdentityCredential_UsesManagedIdentityCredential()
    {
        var systemAssigned = StorageConnection.FromSettings(
            "S", Settings(("S__accountName", "a"), ("S__credential", "managedidentity")));
        var userAssigned = StorageConnection.FromSettings(
            "S", Settings(("S__accountName", "a"), ("S__credential", "ManagedIdentity"), ("S__clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.IsType<ManagedIdentityCredential>(systemAssigned.Credential);
        Assert.IsType<ManagedIdentityCredential>(userAssigned.Credential);
    }

    [Fact]
    public void FromSettings_NoCredentialSetting_UsesDefaultAzureCredential()
    {
        var connection = StorageConnection.FromSettings("S", Settings(("S__accountName", "a")));

        Assert.IsType<DefaultAzureCredential>(connection.Credential);
    }

    [Fact]
    public void FromSettings_UnsupportedCredential_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromSettings(
            "S", Settings(("S__accountName", "a"), ("S__credential", "clientsecret"))));

        Assert.Contains("clientsecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddEntityAsync_BearerToken403_ThrowsWithoutRetryOrLeakingToken()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.Forbidden,
            "{\"odata.error\":{\"code\":\"AuthorizationPermissionMismatch\",\"message\":{\"lang\":\"en-US\",\"value\":\"No permission.\"}}}"));
        var connection = StorageConnection.FromSettings("S", Settings(("S__accountName", "a")), (_, _) => new FakeTokenCredential());
        var table = connection.CreateTableServiceClient(transport.Options()).GetTableClient("alerts");

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r")));

        Assert.Single(transport.Requests);
        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationPermissionMismatch", error.ErrorCode);
        Secrets.AssertNone(error.ToString());
    }
}
