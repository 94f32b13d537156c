using System.Globalization;
using Azure;

namespace Vigil.Storage.Pipeline;

/// <summary>A <see cref="NullableResponse{T}"/> without a value: the entity or blob does not exist.</summary>
internal sealed class NoValueResponse<T>(Response response) : NullableResponse<T>
{
    public override bool HasValue => false;

    public override T Value =>
        throw new InvalidOperationException($"The response has no value: the resource does not exist (status {response.Status}).");

    public override Response GetRawResponse() => response;
}

/// <summary>Header helpers shared by the services.</summary>
internal static class StorageHeaders
{
    public static string Required(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && value is not null
            ? value
            : throw new RequestFailedException(response.Status, $"The response has no '{name}' header.");

    public static DateTimeOffset ParseHttpDate(string value) =>
        DateTimeOffset.ParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
