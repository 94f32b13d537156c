using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Vigil.Storage.Blobs;
using Vigil.Storage.Pipeline;
using Vigil.Storage.Queues;
using Vigil.Storage.Tables;

namespace Vigil.Storage;

/// <summary>
/// Where a storage account is and how to authenticate to it, resolved from app settings the way Azure Functions
/// resolves a binding's <c>connection</c>: a connection string (Shared Key, SAS or <c>UseDevelopmentStorage=true</c>)
/// or an identity-based connection (<c>&lt;name&gt;__accountName</c> / <c>__tableServiceUri</c>, <c>__credential</c>,
/// <c>__clientId</c>) authenticated with a bearer token for <c>https://storage.azure.com/.default</c>.
/// </summary>
public sealed class StorageConnection
{
    /// <summary>The emulator's account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known (public) account key.</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    internal const string TableApiVersion = "2019-02-02";
    internal const string BlobQueueApiVersion = "2021-12-02";
    internal const string TokenScope = "https://storage.azure.com/.default";

    private static readonly string[] Services = ["table", "queue", "blob"];

    private readonly SharedKeyCredential? _sharedKey;
    private readonly string? _sharedAccessSignature;

    private StorageConnection(
        string accountName,
        IReadOnlyDictionary<string, Uri> endpoints,
        bool isDevelopmentStorage,
        SharedKeyCredential? sharedKey = null,
        string? sharedAccessSignature = null,
        TokenCredential? credential = null)
    {
        AccountName = accountName;
        TableEndpoint = endpoints["table"];
        QueueEndpoint = endpoints["queue"];
        BlobEndpoint = endpoints["blob"];
        IsDevelopmentStorage = isDevelopmentStorage;
        _sharedKey = sharedKey;
        _sharedAccessSignature = sharedAccessSignature;
        Credential = credential;
    }

    public string AccountName { get; }

    public Uri TableEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri BlobEndpoint { get; }

    /// <summary>True for the local emulator: <c>UseDevelopmentStorage=true</c>, or devstoreaccount1 on loopback (Azurite).</summary>
    public bool IsDevelopmentStorage { get; }

    /// <summary>The token credential of an identity-based connection; null for Shared Key and SAS.</summary>
    internal TokenCredential? Credential { get; }

    /// <summary>Parses a storage connection string. Errors never repeat the string (it may hold a key).</summary>
    public static StorageConnection Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = ConnectionStringSettings.Parse(connectionString);

        if (string.Equals(settings.Get("UseDevelopmentStorage"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var endpoints = new Dictionary<string, Uri>
            {
                ["blob"] = new($"http://127.0.0.1:10000/{DevelopmentAccountName}"),
                ["queue"] = new($"http://127.0.0.1:10001/{DevelopmentAccountName}"),
                ["table"] = new($"http://127.0.0.1:10002/{DevelopmentAccountName}"),
            };
            return new StorageConnection(DevelopmentAccountName, endpoints, isDevelopmentStorage: true,
                new SharedKeyCredential(DevelopmentAccountName, Convert.FromBase64String(DevelopmentAccountKey)));
        }

        var explicitEndpoints = new Dictionary<string, Uri>();
        foreach (var service in Services)
        {
            var value = settings.Get(char.ToUpperInvariant(service[0]) + service[1..] + "Endpoint");
            if (value is not null)
            {
                explicitEndpoints[service] = ParseEndpoint(value, $"{service} endpoint");
            }
        }

        var accountName = settings.Get("AccountName") ??
            explicitEndpoints.Values.Select(AccountNameFromEndpoint).FirstOrDefault(name => name is not null) ??
            throw new FormatException("The storage connection string has no AccountName and no service endpoints.");
        var protocol = settings.Get("DefaultEndpointsProtocol") ?? "https";
        var suffix = settings.Get("EndpointSuffix") ?? "core.windows.net";
        var resolved = Services.ToDictionary(
            service => service,
            service => explicitEndpoints.GetValueOrDefault(service) ??
                ParseEndpoint($"{protocol}://{accountName}.{service}.{suffix}", $"{service} endpoint"));

        var isDevelopment = accountName == DevelopmentAccountName && resolved["table"].IsLoopback;
        var accountKey = settings.Get("AccountKey");
        if (accountKey is not null)
        {
            return new StorageConnection(accountName, resolved, isDevelopment,
                new SharedKeyCredential(accountName, DecodeKey(accountKey)));
        }

        var sas = settings.Get("SharedAccessSignature");
        if (sas is not null)
        {
            return new StorageConnection(accountName, resolved, isDevelopment, sharedAccessSignature: sas.TrimStart('?'));
        }

        throw new FormatException(
            "The storage connection string has neither AccountKey nor SharedAccessSignature. For an identity-based " +
            "connection, set '<name>__accountName' (and optionally '<name>__credential', '<name>__clientId') instead.");
    }

    /// <summary>
    /// Resolves connection <paramref name="name"/> like Azure Functions: the settings "AzureWebJobs&lt;name&gt;" then
    /// "&lt;name&gt;"; each is a connection string, or the prefix of identity settings
    /// (<c>__accountName</c>, <c>__tableServiceUri</c>, <c>__queueServiceUri</c>, <c>__blobServiceUri</c>,
    /// <c>__credential</c> = "managedidentity", <c>__clientId</c>). "__" and ":" separators both work.
    /// </summary>
    public static StorageConnection FromSettings(string name, Func<string, string?> getSetting) =>
        FromSettings(name, getSetting, AzureCredentials.Create);

    internal static StorageConnection FromSettings(
        string name,
        Func<string, string?> getSetting,
        Func<string?, string?, TokenCredential> createCredential)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(getSetting);

        string? Get(string key)
        {
            var value = getSetting(key) ?? getSetting(key.Replace("__", ":", StringComparison.Ordinal));
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        string[] candidates = name.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase)
            ? [name]
            : ["AzureWebJobs" + name, name];
        foreach (var candidate in candidates)
        {
            var connectionString = Get(candidate);
            if (connectionString is not null)
            {
                return Parse(connectionString);
            }

            var identity = FromIdentitySettings(candidate, Get, createCredential);
            if (identity is not null)
            {
                return identity;
            }
        }

        throw new InvalidOperationException(
            $"Storage connection '{name}' is not configured: set '{name}' to a connection string " +
            $"(UseDevelopmentStorage=true locally), or '{name}__accountName' for an identity-based connection.");
    }

    public TableServiceClient CreateTableServiceClient(StorageClientOptions? options = null) =>
        new(CreatePipeline(TableEndpoint, TableApiVersion, SharedKeyFormat.Table, options, TableServiceClient.CreateException));

    public QueueServiceClient CreateQueueServiceClient(StorageClientOptions? options = null) =>
        new(CreatePipeline(QueueEndpoint, BlobQueueApiVersion, SharedKeyFormat.BlobQueue, options));

    public BlobServiceClient CreateBlobServiceClient(StorageClientOptions? options = null) =>
        new(CreatePipeline(BlobEndpoint, BlobQueueApiVersion, SharedKeyFormat.BlobQueue, options));

    /// <summary>Account, authentication kind and endpoints; never the key or the SAS.</summary>
    public override string ToString()
    {
        var auth = _sharedKey is not null ? "SharedKey" : _sharedAccessSignature is not null ? "SharedAccessSignature" : "TokenCredential";
        return $"StorageConnection {{ Account = {AccountName}, Auth = {auth}, Table = {TableEndpoint}, " +
            $"Queue = {QueueEndpoint}, Blob = {BlobEndpoint} }}";
    }

    private StoragePipeline CreatePipeline(
        Uri endpoint,
        string apiVersion,
        SharedKeyFormat format,
        StorageClientOptions? options,
        Func<Response, RequestFailedException>? createException = null)
    {
        options ??= new StorageClientOptions();
        HttpPipelinePolicy authentication = _sharedKey is not null
            ? new SharedKeyPolicy(_sharedKey, format, options.TimeProvider)
            : _sharedAccessSignature is not null
                ? new SasPolicy(_sharedAccessSignature)
                : new BearerTokenAuthenticationPolicy(Credential!, TokenScope);
        return new StoragePipeline(endpoint, apiVersion, options, authentication, createException);
    }

    private static StorageConnection? FromIdentitySettings(
        string prefix,
        Func<string, string?> get,
        Func<string?, string?, TokenCredential> createCredential)
    {
        var accountName = get($"{prefix}__accountName");
        var serviceUris = new Dictionary<string, Uri>();
        foreach (var service in Services)
        {
            var value = get($"{prefix}__{service}ServiceUri");
            if (value is not null)
            {
                serviceUris[service] = ParseEndpoint(value, $"{prefix}__{service}ServiceUri");
            }
        }

        if (accountName is null && serviceUris.Count == 0)
        {
            return null;
        }

        // Services without an explicit URI live beside the given one (same account and cloud suffix).
        var suffix = "core.windows.net";
        foreach (var uri in serviceUris.Values)
        {
            var labels = uri.Host.Split('.');
            if (labels.Length >= 3 && Services.Contains(labels[1]))
            {
                accountName ??= labels[0];
                suffix = string.Join('.', labels[2..]);
                break;
            }
        }

        accountName ??= serviceUris.Values.Select(AccountNameFromEndpoint).FirstOrDefault(n => n is not null) ??
            throw new FormatException($"The account name cannot be read from the service URIs: set '{prefix}__accountName'.");
        foreach (var service in Services)
        {
            if (!serviceUris.ContainsKey(service))
            {
                serviceUris[service] = new Uri($"https://{accountName}.{service}.{suffix}");
            }
        }

        var credential = createCredential(get($"{prefix}__credential"), get($"{prefix}__clientId"));
        return new StorageConnection(accountName, serviceUris, isDevelopmentStorage: false, credential: credential);
    }

    private static Uri ParseEndpoint(string value, string what)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new FormatException($"The {what} is not an absolute http(s) URI.");
        }

        if (uri.Query.Length > 1 || uri.UserInfo.Length > 0)
        {
            throw new FormatException($"The {what} must not carry a query or user info; put a SAS in SharedAccessSignature.");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }

    // https://account.table.core.windows.net => account; http://127.0.0.1:10002/account (path style) => account.
    private static string? AccountNameFromEndpoint(Uri endpoint)
    {
        if (endpoint.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || endpoint.IsLoopback)
        {
            var segment = endpoint.AbsolutePath.Trim('/').Split('/')[0];
            return segment.Length > 0 ? segment : null;
        }

        var dot = endpoint.Host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? endpoint.Host[..dot] : null;
    }

    private static byte[] DecodeKey(string accountKey)
    {
        try
        {
            return Convert.FromBase64String(accountKey);
        }
        catch (FormatException)
        {
            throw new FormatException("The storage connection string's AccountKey is not valid Base64.");
        }
    }
}
