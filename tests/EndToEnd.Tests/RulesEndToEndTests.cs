using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.DevHost;
using Vigil.Storage.Emulation;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>Configuration as code and alert lifecycle through DevHost on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class RulesEndToEndTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly AlertEventQueue _events;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private LocalVigil _vigil = null!;

    public RulesEndToEndTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _events = new AlertEventQueue(azurite);
    }

    public async Task InitializeAsync()
    {
        _vigil = await LocalVigil.StartAsync(_azurite, options =>
        {
            options.SettingOverrides["VIGIL_ALERT_SWEEP_SCHEDULE"] = LocalVigil.Never;
            options.SettingOverrides[AlertEventQueue.RouterDisabledSetting] = "true"; // these tests read alert-events themselves
        });
        await _events.DrainAsync();
    }

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private string MasterKey => _vigil.Host.MasterKey;

    private string FunctionKey => _vigil.Host.FunctionKey;

    private async Task<(HttpStatusCode Status, JsonDocument Body)> SendConfigAsync(HttpMethod method, string path, string document, string? key, string contentType = "application/yaml")
    {
        using var request = LocalVigil.Request(method, path, key);
        request.Content = new StringContent(document, Encoding.UTF8, contentType);
        using var response = await _vigil.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "{}" : text));
    }

    private async Task<long> CurrentVersionAsync()
    {
        using var config = await _vigil.GetJsonAsync("api/config", FunctionKey);
        return config.RootElement.GetProperty("version").GetInt64();
    }

    [Fact]
    public async Task ConfigApi_ApplyPlanRead_RoundTripsTheDocument()
    {
        var first = $"rules:\n  - name: Keep{_suffix}\n    status: {{ component: storage }}\n  - name: Drop{_suffix}\n    status: {{ component: timers }}\n";
        var second = $"# edited\nrules:\n  - name: Keep{_suffix}\n    status: {{ component: storage, degraded: warning }}\n  - name: New{_suffix}\n    status: {{ component: queues }}\n";

        var (applied, appliedBody) = await SendConfigAsync(HttpMethod.Put, "api/config", first, MasterKey);
        var (planned, plan) = await SendConfigAsync(HttpMethod.Post, "api/config/plan", second, MasterKey);
        using var read = await _vigil.GetJsonAsync("api/config", FunctionKey);

        Assert.Equal(HttpStatusCode.OK, applied);
        Assert.Equal(HttpStatusCode.OK, planned);
        var version = appliedBody.RootElement.GetProperty("version").GetInt64();
        Assert.Equal(version, read.RootElement.GetProperty("version").GetInt64());
        Assert.Equal(first, read.RootElement.GetProperty("document").GetString());
        Assert.Equal(version, plan.RootElement.GetProperty("currentVersion").GetInt64());
        Assert.Equal([$"New{_suffix}"], Names(plan, "created"));
        Assert.Equal([$"Keep{_suffix}"], Names(plan, "changed"));
        Assert.Equal([$"Drop{_suffix}"], Names(plan, "removed"));
        Assert.Equal(version, await CurrentVersionAsync()); // planning applies nothing

        var (again, againBody) = await SendConfigAsync(HttpMethod.Put, "api/config", first, MasterKey);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(version, againBody.RootElement.GetProperty("version").GetInt64()); // same document: no new version

        static List<string> Names(JsonDocument plan, string action) =>
            [.. plan.RootElement.GetProperty(action).EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "rule").Select(e => e.GetProperty("name").GetString()!)];
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("function", HttpStatusCode.Unauthorized)]
    [InlineData("master", HttpStatusCode.OK)]
    public async Task ConfigApi_Apply_NeedsTheAdminKey(string? key, HttpStatusCode expected)
    {
        var (status, _) = await SendConfigAsync(HttpMethod.Put, "api/config", "rules: []\n", key switch { "master" => MasterKey, "function" => FunctionKey, _ => null });

        Assert.Equal(expected, status);
    }

    public static TheoryData<string> InvalidDocuments()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.RepoRoot, "tests", "Domain.Tests", "testdata", "config", "invalid")).Where(f => !f.EndsWith(".expect", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidDocuments))]
    public async Task ConfigApi_InvalidDocument_400WithEachErrorAndNothingApplied(string fileName)
    {
        var path = Path.Combine(RepoPaths.RepoRoot, "tests", "Domain.Tests", "testdata", "config", "invalid", fileName);
        var document = await File.ReadAllTextAsync(path);
        var expectations = (File.Exists(path + ".expect") ? File.ReadAllLines(path + ".expect") : document.Split('\n').Where(l => l.StartsWith("# expect:", StringComparison.Ordinal)).Select(l => l["# expect:".Length..]))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => Expectation().Match(l.Trim()))
            .ToList();
        (await SendConfigAsync(HttpMethod.Put, "api/config", "rules: []\n", MasterKey)).Body.Dispose();
        var before = await CurrentVersionAsync();

        var (status, body) = await SendConfigAsync(HttpMethod.Put, "api/config", document, MasterKey, fileName.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/yaml");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body.RootElement.GetProperty("errors").EnumerateArray().ToList();
        foreach (var expected in expectations)
        {
            var expectedPath = expected.Groups["path"].Value.Trim();
            var line = int.Parse(expected.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var fragment = expected.Groups["fragment"].Value.Trim();
            Assert.Contains(errors, e =>
                (e.TryGetProperty("item", out var item) ? item.GetString() : string.Empty) == expectedPath
                && e.GetProperty("line").GetInt32() == line
                && e.GetProperty("reason").GetString()!.Contains(fragment, StringComparison.Ordinal));
        }

        Assert.Equal(before, await CurrentVersionAsync());
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("image/png")]
    public async Task ConfigApi_NotAConfigurationMediaType_415(string contentType)
    {
        var (status, body) = await SendConfigAsync(HttpMethod.Put, "api/config", "rules: []\n", MasterKey, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains(contentType, body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusRule_FollowsAComponentsHealth_FiresAndResolves()
    {
        var rule = "QueuesDegraded" + _suffix;
        var (applied, _) = await SendConfigAsync(HttpMethod.Put, "api/config", $"rules:\n  - name: {rule}\n    status: {{ component: queues, degraded: warning }}\n    annotations: {{ summary: \"queues are {{{{ status }}}}\" }}\n", MasterKey);
        Assert.Equal(HttpStatusCode.OK, applied);
        var deadLetters = _azurite.StorageConnection.CreateQueueServiceClient().GetQueueClient(ServiceBusEmulation.DeadLetterQueue("system-heartbeat"));
        await deadLetters.ClearMessagesAsync();

        // A poison message is dead-lettered: the queues component becomes degraded.
        using (var send = LocalVigil.Request(HttpMethod.Post, "admin/devhost/queues/system-heartbeat/messages", MasterKey))
        {
            send.Content = new StringContent("not a heartbeat");
            (await _vigil.Client.SendAsync(send)).Dispose();
        }

        await LocalVigil.EventuallyAsync(async () =>
        {
            Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
            await _events.DrainAsync();
            return _events.StatesOf(rule).Contains("firing");
        }, TimeSpan.FromSeconds(60), "the status rule fires once queues are degraded");

        var firing = _events.Received.Last(e => e.Event.GetProperty("rule").GetString() == rule).Event;
        Assert.Equal("warning", firing.GetProperty("severity").GetString());
        Assert.Equal("queues", firing.GetProperty("labels").GetProperty("component").GetString());
        Assert.Equal("queues are degraded", firing.GetProperty("annotations").GetProperty("summary").GetString());
        using (var alerts = await _vigil.GetJsonAsync($"api/alerts?rule={rule}&state=firing", FunctionKey))
        {
            Assert.Equal(1, alerts.RootElement.GetProperty("count").GetInt32());
        }

        // The dead letters are dealt with: healthy again, the alert resolves.
        await deadLetters.ClearMessagesAsync();
        Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        await _events.WaitForAsync(rule, "resolved");
        Assert.Equal(["firing", "resolved"], _events.StatesOf(rule));
        using var history = await _vigil.GetJsonAsync($"api/alerts/history?rule={rule}", FunctionKey);
        Assert.Equal(["resolved", "firing"], history.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task RemovedRule_ResolvesItsFiringAlert()
    {
        var rule = "StorageWatch" + _suffix;
        await SendConfigAsync(HttpMethod.Put, "api/config", $"rules:\n  - name: {rule}\n    status: {{ component: storage }}\n    noData: alerting\n    severity: error\n", MasterKey);
        // 'storage' is healthy, so make the rule breach through its noData policy: a component no source knows.
        await SendConfigAsync(HttpMethod.Put, "api/config", $"rules:\n  - name: {rule}\n    status: {{ component: nothing-reports-this }}\n    noData: alerting\n    severity: error\n", MasterKey);
        Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        await _events.WaitForAsync(rule, "firing");

        var (status, body) = await SendConfigAsync(HttpMethod.Put, "api/config", "rules: []\n", MasterKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.RootElement.GetProperty("resolvedAlerts").GetInt32() >= 1);
        await _events.WaitForAsync(rule, "resolved");
        Assert.Equal(["firing", "resolved"], _events.StatesOf(rule));
    }

    [Fact]
    public async Task DevHost_BrokenConfigFile_StopsWithTheErrors()
    {
        var file = Path.Combine(Path.GetTempPath(), $"vigil-broken-{_suffix}.yaml");
        await File.WriteAllTextAsync(file, "rules:\n  - name: Broken\n    metric: latency\n    thresholds: { warning: \"above 1\" }\n");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalVigil.StartAsync(_azurite, options =>
            {
                options.ConfigFile = file;
                options.SettingOverrides[AlertEventQueue.RouterDisabledSetting] = "true";
                options.SettingOverrides["VIGIL_ALERT_SWEEP_SCHEDULE"] = LocalVigil.Never;
            }));

            Assert.Contains($"{file}:4: rules[0].thresholds.warning: 'above 1' does not start with a comparison operator", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("api/alerts?state=burning", "state")]
    [InlineData("api/alerts?severity=fatal", "severity")]
    [InlineData("api/alerts?label=9bad=x", "label")]
    [InlineData("api/alerts/history?limit=0", "limit")]
    [InlineData("api/alerts/history?limit=abc", "limit")]
    public async Task AlertsApi_InvalidFilter_400NamingTheField(string path, string field)
    {
        using var request = LocalVigil.Request(HttpMethod.Get, path, FunctionKey);
        using var response = await _vigil.Client.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, body.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task AlertsHistory_Paged_FollowsTheNextToken()
    {
        var rule = "Paged" + _suffix;
        await SendConfigAsync(HttpMethod.Put, "api/config", $"rules:\n  - name: {rule}\n    status: {{ component: nobody-reports-this }}\n    noData: alerting\n", MasterKey);
        Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        await SendConfigAsync(HttpMethod.Put, "api/config", "rules: []\n", MasterKey);
        await _events.WaitForAsync(rule, "resolved");

        using var first = await _vigil.GetJsonAsync($"api/alerts/history?rule={rule}&limit=1", FunctionKey);
        var next = first.RootElement.GetProperty("next").GetString();
        using var second = await _vigil.GetJsonAsync($"api/alerts/history?rule={rule}&limit=1&next={Uri.EscapeDataString(next!)}", FunctionKey);

        Assert.Equal("resolved", first.RootElement.GetProperty("events")[0].GetProperty("state").GetString());
        Assert.Equal("firing", second.RootElement.GetProperty("events")[0].GetProperty("state").GetString());
    }

    [GeneratedRegex(@"^(?<path>[^@]*)@\s*(?<line>\d+):(?<fragment>.*)$")]
    private static partial Regex Expectation();
}
