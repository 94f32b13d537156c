using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics.Keys;

namespace Vigil.Functions.FunctionApp.IngestKeys;

/// <summary>
/// Ingest key administration (admin key): <c>POST /api/ingest-keys</c> <c>{"source":"billing"}</c> creates a key and shows it
/// once; <c>{"source":..,"key":"vgl_..."}</c> imports a known key (DevHost's local key); <c>GET</c> lists keys without
/// secrets; <c>DELETE /api/ingest-keys/{id}</c> revokes one.
/// </summary>
public sealed class IngestKeysFunction : HttpFunction
{
    private readonly IngestKeyStore _store;
    private readonly IngestKeyAuthenticator _authenticator;
    private readonly ILogger<IngestKeysFunction> _logger;

    public IngestKeysFunction(IngestKeyStore store, IngestKeyAuthenticator authenticator, ILogger<IngestKeysFunction> logger)
    {
        _store = store;
        _authenticator = authenticator;
        _logger = logger;
    }

    public override string Name => "IngestKeys";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var id = request.GetParam("id");
        return request.Method switch
        {
            "GET" when id is null => HttpResponseData.Json(HttpStatusCode.OK, new { keys = await _store.ListAsync(cancellationToken) }),
            "POST" when id is null => await CreateAsync(request, cancellationToken),
            "DELETE" when id is not null => await RevokeAsync(id, cancellationToken),
            _ => id is null ? MethodNotAllowed(request, "GET", "POST") : MethodNotAllowed(request, "DELETE"),
        };
    }

    private async Task<HttpResponseData> CreateAsync(HttpTriggerRequest request, CancellationToken ct)
    {
        CreateKeyRequest? body;
        try
        {
            body = JsonSerializer.Deserialize<CreateKeyRequest>(request.Body.Span, VigilJson.Options);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null || !IngestKeyFormat.IsValidSource(body.Source))
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid key request", "Send {\"source\": \"name\"}: the source is 1-100 of A-Z a-z 0-9 _ . - and becomes the source label of every sample sent with the key.", [new ProblemError("body", "source", "required: 1-100 of [A-Za-z0-9_.-]")]);
        }

        if (body.Description is { Length: > 500 })
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid key request", "The description is longer than 500 characters.", [new ProblemError("body", "description", "at most 500 characters")]);
        }

        var imported = body.Key is not null;
        if (imported && !IngestKeyFormat.TryGetId(body.Key, out _))
        {
            // Never echo the key, not even a wrong one.
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid key request", "An imported key must be of the form vgl_<12 lowercase letters or digits>_<secret of at least 16 characters>.", [new ProblemError("body", "key", "not of the form vgl_<id>_<secret>")]);
        }

        var key = body.Key ?? IngestKeyFormat.Generate();
        var (result, info) = await _store.AddAsync(key, body.Source!, body.Description, ct);
        switch (result)
        {
            case IngestKeyStore.ImportResult.Conflict:
                return HttpResponseData.Problem(HttpStatusCode.Conflict, "Key id in use", $"A different key with id {info.Id} exists (or was revoked).");
            case IngestKeyStore.ImportResult.AlreadyPresent:
                return HttpResponseData.Json(HttpStatusCode.OK, info);
            default:
                _logger.LogInformation("Created ingest key {KeyId} for source {Source} ({How})", info.Id, info.Source, imported ? "imported" : "generated");
                return HttpResponseData.Json(HttpStatusCode.Created, new CreatedKey(info.Id, imported ? null : key, info.Source, info.Description, info.CreatedAt));
        }
    }

    private async Task<HttpResponseData> RevokeAsync(string id, CancellationToken ct)
    {
        if (!await _store.RevokeAsync(id, ct))
        {
            return HttpResponseData.Problem(HttpStatusCode.NotFound, "No such key", $"There is no ingest key with id {id}.");
        }

        _authenticator.Forget(id);
        _logger.LogInformation("Revoked ingest key {KeyId}", id);
        return HttpResponseData.Empty(HttpStatusCode.NoContent);
    }

    private sealed record CreateKeyRequest(string? Source, string? Description, string? Key);

    /// <summary>The creation answer: the only time the key is shown (null for an imported key, which the caller has).</summary>
    private sealed record CreatedKey(
        string Id,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key,
        string Source,
        string? Description,
        DateTimeOffset CreatedAt);
}
