using Azure.Core;

namespace Vigil.Storage;

/// <summary>
/// Options for the Table, Queue and Blob clients. <see cref="ClientOptions.Transport"/> is the seam
/// unit tests use without a network; <see cref="ClientOptions.Retry"/> drives Azure.Core's retry policy
/// (408, 429, 500, 502, 503, 504 and network errors are retried; other 4xx are not).
/// </summary>
public class StorageClientOptions : ClientOptions
{
    /// <summary>Clock for the x-ms-date header; tests pin it to check signatures against known vectors.</summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
