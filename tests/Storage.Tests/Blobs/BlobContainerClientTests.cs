using Azure;
using Vigil.Storage.Blobs;
using Vigil.Storage.Tests.Support;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Blobs;

[Collection(AzuriteCollection.Name)]
public sealed class BlobContainerClientTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task UploadAsync_ThenDownload_RoundTripsBytes()
    {
        var container = await azurite.CreateContainerAsync();
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        const string name = "state/rules v1/ünï & co.bin";

        var uploaded = await container.UploadAsync(name, new BinaryData(bytes), overwrite: false);
        var downloaded = await container.DownloadIfExistsAsync(name);

        Assert.Equal(201, uploaded.Status);
        Assert.True(downloaded.HasValue);
        Assert.Equal(bytes, downloaded.Value!.ToArray());
    }

    [Fact]
    public async Task UploadAsync_EmptyContent_DownloadsEmpty()
    {
        var container = await azurite.CreateContainerAsync();

        await container.UploadAsync("empty", BinaryData.Empty, overwrite: true);

        Assert.Empty((await container.DownloadIfExistsAsync("empty")).Value!.ToArray());
    }

    [Fact]
    public async Task UploadAsync_ExistingWithoutOverwrite_Throws409AndWithOverwriteReplaces()
    {
        var container = await azurite.CreateContainerAsync();
        await container.UploadAsync("b", BinaryData.FromString("one"), overwrite: false);

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => container.UploadAsync("b", BinaryData.FromString("two"), overwrite: false));
        await container.UploadAsync("b", BinaryData.FromString("three"), overwrite: true);

        Assert.Equal(409, error.Status);
        Assert.Equal("BlobAlreadyExists", error.ErrorCode);
        Assert.Equal("three", (await container.DownloadIfExistsAsync("b")).Value!.ToString());
    }

    [Fact]
    public async Task DownloadIfExistsAsync_MissingBlob_HasNoValue()
    {
        var container = await azurite.CreateContainerAsync();

        var result = await container.DownloadIfExistsAsync("nothing-here");

        Assert.False(result.HasValue);
        Assert.Equal(404, result.GetRawResponse().Status);
    }

    [Fact]
    public async Task DownloadIfExistsAsync_MissingContainer_HasNoValue()
    {
        var container = azurite.StorageConnection.CreateBlobServiceClient().GetBlobContainerClient(azurite.UniqueName("c"));

        var result = await container.DownloadIfExistsAsync("nothing-here");

        Assert.False(result.HasValue);
    }

    [Fact]
    public async Task DeleteIfExistsAsync_ExistingThenMissing_ReportsWhetherItExisted()
    {
        var container = await azurite.CreateContainerAsync();
        await container.UploadAsync("d", BinaryData.FromString("x"), overwrite: false);

        var first = await container.DeleteIfExistsAsync("d");
        var second = await container.DeleteIfExistsAsync("d");

        Assert.True(first.Value);
        Assert.False(second.Value);
        Assert.False((await container.DownloadIfExistsAsync("d")).HasValue);
    }

    [Fact]
    public async Task CreateIfNotExistsAsync_Twice_IsNotAnError()
    {
        var container = azurite.StorageConnection.CreateBlobServiceClient().GetBlobContainerClient(azurite.UniqueName("c"));

        var first = await container.CreateIfNotExistsAsync();
        var second = await container.CreateIfNotExistsAsync();

        Assert.Equal(201, first.Status);
        Assert.Equal(409, second.Status);
    }
}
