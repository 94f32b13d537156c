using System.Globalization;
using Azure;
using Azure.Core;

namespace Vigil.Storage.Pipeline;

/// <summary>A <see cref="NullableResponse{T}"/> that may hold no value (a missing entity or blob).</summary>
internal sealed class OptionalResponse<T>(Response response, bool hasValue, T? value) : NullableResponse<T>
{
    public static NullableResponse<T> None(Response response) => new OptionalResponse<T>(response, false, default);

    public override bool HasValue => hasValue;

    public override T Value => hasValue
        ? value!
        : throw new InvalidOperationException("The response has no value: the resource does not exist.");

    public override Response GetRawResponse() => response;
}

/// <summary>Header helpers shared by the three services.</summary>
internal static class StorageHeaders
{
    public static string Required(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && value is not null
            ? value
            : throw new RequestFailedException(response.Status, $"The response has no '{name}' header.");

    public static DateTimeOffset ParseHttpDate(string value) =>
        DateTimeOffset.ParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

}
