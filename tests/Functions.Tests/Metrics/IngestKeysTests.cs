using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Functions.Configuration;
using Vigil.Functions.FunctionApp.IngestKeys;
using Vigil.Functions.FunctionApp.IngestMetrics;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics.Ingest;
using Vigil.Functions.Metrics.Keys;
using Vigil.Functions.Storage;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Metrics;

/// <summary>Ingest keys end to end through the two functions (invocation envelopes in, outputs out) on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IngestKeysTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly IngestKeysFunction _admin;
    private readonly IngestMetricsFunction _ingest;
    private readonly IngestKeyAuthenticator _authenticator;

    public IngestKeysTests(AzuriteFixture azurite)
    {
        var time = new ManualTime(Now);
        var settings = new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AppSettings.IngestKeyCacheDuration.Name] = "00:00:00" }).Build());
        var store = new IngestKeyStore(new VigilTables(azurite.StorageConnection.CreateTableServiceClient()), time);
        _authenticator = new IngestKeyAuthenticator(store, time, settings);
        var loggers = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(_logs)));
        _admin = new IngestKeysFunction(store, _authenticator, loggers.CreateLogger<IngestKeysFunction>());
        _ingest = new IngestMetricsFunction(_authenticator, new MetricsIngestor(time, loggers.CreateLogger<MetricsIngestor>()));
    }

    [Fact]
    public async Task CreateKey_ShownOnce_ThenIngestCarriesTheSourceLabel()
    {
        var source = Messages.Unique("svc");
        var (status, created) = await CallAsync(_admin, "POST", "ingest-keys", $$"""{"source":"{{source}}","description":"billing prod"}""");
        Assert.Equal(201, status);
        var key = created.GetProperty("key").GetString()!;
        Assert.StartsWith("vgl_" + created.GetProperty("id").GetString() + "_", key, StringComparison.Ordinal);

        var (listStatus, list) = await CallAsync(_admin, "GET", "ingest-keys", null);
        Assert.Equal(200, listStatus);
        Assert.DoesNotContain(key, list.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(list.GetProperty("keys").EnumerateArray(), k => k.GetProperty("source").GetString() == source);

        var (ingestStatus, _, outputs) = await IngestAsync(("Authorization", "Bearer " + key));
        Assert.Equal(202, ingestStatus);
        var message = Assert.Single(outputs!.AsArray());
        Assert.Equal(source, message!["series"]![0]!["labels"]!["source"]!.GetValue<string>());

        var (apiKeyStatus, _, _) = await IngestAsync(("x-api-key", key));
        Assert.Equal(202, apiKeyStatus);
        Assert.DoesNotContain(_logs, line => line.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(_logs, line => line.Contains(key[^20..], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer vgl_aaaaaaaaaaaa_wrongwrongwrongwrongwrong")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Ingest_MissingOrWrongKey_401WithNoDetailAndNothingEnqueued(string? authorization)
    {
        var (status, body, outputs) = authorization is null ? await IngestAsync() : await IngestAsync(("Authorization", authorization));

        Assert.Equal(401, status);
        Assert.Null(outputs);
        Assert.Equal("Send a valid ingest API key as Authorization: Bearer <key> or x-api-key.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Ingest_RightIdWrongSecretAndRevokedKey_401()
    {
        var (_, created) = await CallAsync(_admin, "POST", "ingest-keys", """{"source":"revoke-me"}""");
        var key = created.GetProperty("key").GetString()!;
        var wrongSecret = key[..^4] + "AAAA";

        Assert.Equal(401, (await IngestAsync(("x-api-key", wrongSecret))).Status);
        Assert.Equal(202, (await IngestAsync(("x-api-key", key))).Status);

        var (revoked, _) = await CallAsync(_admin, "DELETE", "ingest-keys/" + created.GetProperty("id").GetString(), null);
        Assert.Equal(204, revoked);
        Assert.Equal(401, (await IngestAsync(("x-api-key", key))).Status);
        Assert.Equal(404, (await CallAsync(_admin, "DELETE", "ingest-keys/nosuchkey000", null)).Status);
    }

    [Fact]
    public async Task ImportKey_KnownLocalKey_IdempotentAndNotEchoed()
    {
        var key = "vgl_" + Messages.Unique("imp").PadRight(12, '0')[..12] + "_local-ingest-key-not-a-secret";
        var (first, created) = await CallAsync(_admin, "POST", "ingest-keys", $$"""{"source":"local","key":"{{key}}"}""");
        var (second, _) = await CallAsync(_admin, "POST", "ingest-keys", $$"""{"source":"local","key":"{{key}}"}""");
        var (other, _) = await CallAsync(_admin, "POST", "ingest-keys", $$"""{"source":"other","key":"{{key}}"}""");

        Assert.Equal(201, first);
        Assert.False(created.TryGetProperty("key", out _));
        Assert.Equal(200, second);
        Assert.Equal(409, other);
        Assert.Equal(202, (await IngestAsync(("x-api-key", key))).Status);
    }

    [Theory]
    [InlineData("""{"source":""}""")]
    [InlineData("""{"source":"has space"}""")]
    [InlineData("""{"source":"ok","key":"vgl_short"}""")]
    [InlineData("not json")]
    public async Task CreateKey_InvalidRequest_400(string body) => Assert.Equal(400, (await CallAsync(_admin, "POST", "ingest-keys", body)).Status);

    private async Task<(int Status, JsonElement Body, JsonNode? Outputs)> IngestAsync(params (string Name, string Value)[] headers)
    {
        var (status, body, result) = await InvokeAsync(_ingest, "POST", "metrics", """{"samples":[{"metric":"up","value":1}]}""", "application/json", headers);
        return (status, body, result.Outputs.GetValueOrDefault(IngestMetricsFunction.MetricsOutput));
    }

    private static async Task<(int Status, JsonElement Body)> CallAsync(IFunction function, string method, string route, string? body)
    {
        var (status, json, _) = await InvokeAsync(function, method, route, body, "application/json", []);
        return (status, json);
    }

    private static async Task<(int Status, JsonElement Body, InvocationResult Result)> InvokeAsync(IFunction function, string method, string route, string? body, string contentType, (string Name, string Value)[] headers)
    {
        var headerObject = new JsonObject { ["Content-Type"] = new JsonArray(contentType) };
        foreach (var (name, value) in headers)
        {
            headerObject[name] = new JsonArray(value);
        }

        var parts = route.Split('/', 2);
        var req = new JsonObject
        {
            ["Url"] = "http://localhost:7071/api/" + route,
            ["Method"] = method,
            ["Query"] = new JsonObject(),
            ["Headers"] = headerObject,
            ["Params"] = parts.Length > 1 ? new JsonObject { ["id"] = parts[1] } : new JsonObject(),
        };
        if (body is not null)
        {
            req["Body"] = body;
        }

        var envelope = new JsonObject { ["Data"] = new JsonObject { ["req"] = req }, ["Metadata"] = new JsonObject() };
        using var request = InvocationRequest.Parse(Encoding.UTF8.GetBytes(envelope.ToJsonString()), function.Name, "test");
        var result = new InvocationResult();
        await function.InvokeAsync(request, result, CancellationToken.None);
        var response = result.Outputs["res"]!;
        var text = response["body"]!.GetValue<string>();
        var json = string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response["statusCode"]!.GetValue<int>(), json, result);
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(sink);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue(formatter(state, exception) + " " + string.Join(" ", (state as IEnumerable<KeyValuePair<string, object?>>)?.Select(p => p.Value?.ToString()) ?? []));
    }
}
