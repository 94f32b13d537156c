namespace Vigil.Storage.Tests.Support;

/// <summary>Secrets used by unit tests, and the shared check that none of them leaks into a message.</summary>
public static class Secrets
{
    /// <summary>Base64 of "vigil-test-key-not-a-secret-0123".</summary>
    public const string AccountKey = "dmlnaWwtdGVzdC1rZXktbm90LWEtc2VjcmV0LTAxMjM=";

    public const string SasSignature = "sig=SAS%2BSIGNATURE%3D";

    public const string Sas = "sv=2021-12-02&ss=tqb&srt=sco&sp=rwdlacu&se=2030-01-01T00%3A00%3A00Z&" + SasSignature;

    public const string BearerToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-bearer-token";

    public const string KeyConnectionString =
        "DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=" + AccountKey + ";EndpointSuffix=core.windows.net";

    public const string SasConnectionString =
        "TableEndpoint=https://myaccount.table.core.windows.net/;QueueEndpoint=https://myaccount.queue.core.windows.net/;" +
        "BlobEndpoint=https://myaccount.blob.core.windows.net/;SharedAccessSignature=" + Sas;

    /// <summary>Fails if <paramref name="text"/> holds the account key, the SAS signature or the bearer token, in any common form.</summary>
    public static void AssertNone(string? text)
    {
        Assert.NotNull(text);
        string[] forbidden =
        [
            AccountKey, AccountKey.TrimEnd('='), "vigil-test-key-not-a-secret",
            SasSignature, Uri.UnescapeDataString(SasSignature), "SAS+SIGNATURE", "SAS%2BSIGNATURE",
            BearerToken, "fake-bearer-token",
        ];
        foreach (var secret in forbidden)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}

/// <summary>A token credential that hands out <see cref="Secrets.BearerToken"/> and records the scopes asked for.</summary>
public sealed class FakeTokenCredential : Azure.Core.TokenCredential
{
    public List<string[]> RequestedScopes { get; } = [];

    public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        RequestedScopes.Add(requestContext.Scopes);
        return new Azure.Core.AccessToken(Secrets.BearerToken, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
