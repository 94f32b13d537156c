using System.Net.Http.Json;
using System.Text.Json;
using Vigil.DevHost;

namespace Vigil.Testing;

/// <summary>
/// Vigil running locally for a test: DevHost in-process (the handler as a real child process) on the given
/// Azurite, HTTP on a free loopback port, keys from the sample settings. Dispose stops it.
/// </summary>
public sealed class LocalVigil : IAsyncDisposable
{
    private LocalVigil(DevHostApp host)
    {
        Host = host;
        Client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public DevHostApp Host { get; }

    /// <summary>A client for the HTTP front end (no key attached).</summary>
    public HttpClient Client { get; }

    /// <summary>
    /// Starts Vigil. Timers get a schedule that never fires on its own (tests run them with
    /// <see cref="DevHostApp.RunTimerAsync"/>) unless <paramref name="configure"/> sets one.
    /// </summary>
    public static async Task<LocalVigil> StartAsync(AzuriteFixture azurite, Action<DevHostOptions>? configure = null, ITestOutputSink? output = null)
    {
        var options = new DevHostOptions
        {
            StorageConnectionString = azurite.ConnectionString,
            HttpPort = 0,
            AllowUnlimitedHandlerRestarts = true,
            IdlePollLimit = TimeSpan.FromMilliseconds(250),
            Output = output is null ? null : output.WriteLine,
        };
        options.SettingOverrides["VIGIL_HEARTBEAT_SCHEDULE"] = Never;
        configure?.Invoke(options);
        return new LocalVigil(await DevHostApp.StartAsync(options, CancellationToken.None));
    }

    /// <summary>A six-field schedule that does not fire during a test run (midnight, 1 January).</summary>
    public const string Never = "0 0 0 1 1 *";

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return request;
    }

    public async Task<JsonDocument> GetJsonAsync(string path, string? key = null)
    {
        using var request = Request(HttpMethod.Get, path, key);
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 500 && response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
        {
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text);
    }

    public async Task<HttpResponseMessage> PostJsonAsync<T>(string path, T body, string? key = null)
    {
        using var request = Request(HttpMethod.Post, path, key);
        request.Content = JsonContent.Create(body);
        return await Client.SendAsync(request);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (then fails the test).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Xunit.Assert.Fail($"Not true within {limit}: {because ?? "condition"}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>Where a test wants DevHost's console lines (e.g. xunit's ITestOutputHelper).</summary>
public interface ITestOutputSink
{
    void WriteLine(string line);
}
