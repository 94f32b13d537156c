using System.Net;
using Vigil.Storage.Tests.Support;

namespace Vigil.Storage.Tests.Connection;

public sealed class StorageConnectionTests
{
    private static Func<string, string?> Settings(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    private static StorageConnection FromSettings(string name, params (string Key, string Value)[] values) =>
        StorageConnection.FromSettings(name, Settings(values), (_, _) => new FakeTokenCredential());

    [Fact]
    public void Parse_UseDevelopmentStorage_UsesAzuriteDefaults()
    {
        var connection = StorageConnection.Parse("UseDevelopmentStorage=true");

        Assert.True(connection.IsDevelopmentStorage);
        Assert.Equal("devstoreaccount1", connection.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), connection.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), connection.TableEndpoint);
        Assert.Null(connection.Credential);
    }

    [Fact]
    public void Parse_AccountKeyWithoutSuffix_UsesPublicCloudHttpsEndpoints()
    {
        var connection = StorageConnection.Parse($"AccountName=myaccount;AccountKey={Secrets.AccountKey}");

        Assert.False(connection.IsDevelopmentStorage);
        Assert.Equal("myaccount", connection.AccountName);
        Assert.Equal(new Uri("https://myaccount.table.core.windows.net"), connection.TableEndpoint);
        Assert.Equal(new Uri("https://myaccount.queue.core.windows.net"), connection.QueueEndpoint);
        Assert.Equal(new Uri("https://myaccount.blob.core.windows.net"), connection.BlobEndpoint);
    }

    [Fact]
    public void Parse_ProtocolAndSuffix_BuildEndpoints()
    {
        var connection = StorageConnection.Parse(
            $" defaultendpointsprotocol=http ; AccountName=cn1;AccountKey={Secrets.AccountKey};EndpointSuffix=core.chinacloudapi.cn;");

        Assert.Equal(new Uri("http://cn1.table.core.chinacloudapi.cn"), connection.TableEndpoint);
        Assert.Equal(new Uri("http://cn1.blob.core.chinacloudapi.cn"), connection.BlobEndpoint);
    }

    [Fact]
    public void Parse_ExplicitEndpoints_OverrideDefaultsAndDropTrailingSlash()
    {
        var connection = StorageConnection.Parse(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + StorageConnection.DevelopmentAccountKey + ";" +
            "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1/;QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1;" +
            "TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;");

        Assert.True(connection.IsDevelopmentStorage);
        Assert.Equal(new Uri("http://127.0.0.1:41000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:41001/devstoreaccount1"), connection.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:41002/devstoreaccount1"), connection.TableEndpoint);
    }

    [Fact]
    public async Task Parse_SharedAccessSignature_AppendsSasInsteadOfSigning()
    {
        var connection = StorageConnection.Parse(Secrets.SasConnectionString);
        var transport = new FakeTransport((_, _) => FakeTransport.Respond(HttpStatusCode.NotFound));

        await connection.CreateBlobServiceClient(transport.Options()).GetBlobContainerClient("c").DownloadIfExistsAsync("b");

        Assert.Equal("myaccount", connection.AccountName);
        var sent = Assert.Single(transport.Requests);
        Assert.Equal("https://myaccount.blob.core.windows.net/c/b?" + Secrets.Sas, sent.Uri.AbsoluteUri);
        Assert.False(sent.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public void Parse_NoKeyNoSas_ThrowsFormatExceptionPointingToIdentitySettings()
    {
        var error = Assert.Throws<FormatException>(() => StorageConnection.Parse("AccountName=myaccount"));

        Assert.Contains("__accountName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoAccountNoEndpoints_Throws()
    {
        Assert.Throws<FormatException>(() => StorageConnection.Parse($"AccountKey={Secrets.AccountKey}"));
    }

    [Fact]
    public void Parse_EndpointWithQuery_Throws()
    {
        Assert.Throws<FormatException>(() => StorageConnection.Parse(
            $"AccountName=a;AccountKey={Secrets.AccountKey};TableEndpoint=https://a.table.core.windows.net/?{Secrets.Sas}"));
    }

    [Fact]
    public void FromSettings_ConnectionStringSetting_IsParsed()
    {
        var connection = FromSettings("VigilStorage", ("VigilStorage", "UseDevelopmentStorage=true"));

        Assert.True(connection.IsDevelopmentStorage);
    }

    [Fact]
    public void FromSettings_AzureWebJobsPrefixedSetting_WinsLikeFunctions()
    {
        var connection = FromSettings("Storage",
            ("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
            ("Storage", $"AccountName=other;AccountKey={Secrets.AccountKey}"));

        Assert.Equal("devstoreaccount1", connection.AccountName);
    }

    [Fact]
    public void FromSettings_FullSettingName_IsNotPrefixedAgain()
    {
        var connection = FromSettings("AzureWebJobsStorage", ("AzureWebJobsStorage__accountName", "hostaccount"));

        Assert.Equal("hostaccount", connection.AccountName);
    }

    [Fact]
    public void FromSettings_AccountName_BuildsPublicCloudEndpointsWithToken()
    {
        var connection = FromSettings("VigilStorage", ("VigilStorage__accountName", "prod"));

        Assert.Equal("prod", connection.AccountName);
        Assert.False(connection.IsDevelopmentStorage);
        Assert.Equal(new Uri("https://prod.table.core.windows.net"), connection.TableEndpoint);
        Assert.Equal(new Uri("https://prod.queue.core.windows.net"), connection.QueueEndpoint);
        Assert.Equal(new Uri("https://prod.blob.core.windows.net"), connection.BlobEndpoint);
        Assert.IsType<FakeTokenCredential>(connection.Credential);
    }

    [Fact]
    public void FromSettings_ServiceUris_UsedAsGivenAndSiblingsDerived()
    {
        var connection = FromSettings("VigilStorage",
            ("VigilStorage__tableServiceUri", "https://gov1.table.core.usgovcloudapi.net/"),
            ("VigilStorage__blobServiceUri", "https://gov1.blob.core.usgovcloudapi.net"));

        Assert.Equal("gov1", connection.AccountName);
        Assert.Equal(new Uri("https://gov1.table.core.usgovcloudapi.net"), connection.TableEndpoint);
        Assert.Equal(new Uri("https://gov1.blob.core.usgovcloudapi.net"), connection.BlobEndpoint);
        Assert.Equal(new Uri("https://gov1.queue.core.usgovcloudapi.net"), connection.QueueEndpoint);
    }

    [Fact]
    public void FromSettings_QueueServiceUriOnly_Works()
    {
        var connection = FromSettings("Q", ("Q__queueServiceUri", "https://acct.queue.core.windows.net"));

        Assert.Equal("acct", connection.AccountName);
        Assert.Equal(new Uri("https://acct.queue.core.windows.net"), connection.QueueEndpoint);
    }

    [Fact]
    public void FromSettings_ColonSeparatedKeys_WorkLikeDoubleUnderscore()
    {
        var connection = FromSettings("VigilStorage", ("VigilStorage:accountName", "colon"));

        Assert.Equal("colon", connection.AccountName);
    }

    [Fact]
    public void FromSettings_BlankConnectionString_FallsBackToIdentitySettings()
    {
        var connection = FromSettings("VigilStorage", ("VigilStorage", "  "), ("VigilStorage__accountName", "prod"));

        Assert.Equal("prod", connection.AccountName);
    }

    [Fact]
    public void FromSettings_NothingConfigured_ThrowsNamingTheSettings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FromSettings("VigilStorage"));

        Assert.Contains("'VigilStorage'", error.Message, StringComparison.Ordinal);
        Assert.Contains("VigilStorage__accountName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSettings_InvalidServiceUri_Throws()
    {
        Assert.Throws<FormatException>(() => FromSettings("S", ("S__tableServiceUri", "not a uri")));
    }
}
