using Vigil.Storage.Emulation;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>DevHost honours the host's <c>AzureWebJobs.&lt;Function&gt;.Disabled</c> app setting.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DisabledFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task DisabledQueueFunction_LeavesItsMessagesOnTheQueue()
    {
        await using var vigil = await LocalVigil.StartAsync(azurite, options =>
        {
            options.ConfigFile = "none";
            options.SettingOverrides["AzureWebJobs.RouteAlerts.Disabled"] = "true";
        });
        var queue = azurite.StorageConnection.CreateQueueServiceClient().GetQueueClient(ServiceBusEmulation.ActiveQueue("alert-events"));
        var before = (await queue.GetApproximateMessageCountAsync()).Value;

        await vigil.Host.ServiceBus.SendAsync("alert-events", """{"probe":"disabled"}""", "text/plain", CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.True(vigil.Host.IsDisabled(vigil.Host.FindFunction("RouteAlerts")));
        Assert.False(vigil.Host.IsDisabled(vigil.Host.FindFunction("DispatchSlack")));
        Assert.Equal(before + 1, (await queue.GetApproximateMessageCountAsync()).Value);
        await queue.ClearMessagesAsync();
    }
}
