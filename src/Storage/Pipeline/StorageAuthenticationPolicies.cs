using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Vigil.Storage.Pipeline;

/// <summary>Signs every attempt (it runs per retry) with a fresh x-ms-date and a Shared Key signature.</summary>
internal sealed class SharedKeyPolicy(SharedKeyCredential credential, SharedKeyFormat format, TimeProvider clock)
    : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", clock.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
        var signature = credential.Sign(SharedKeyStringToSign.Build(format, request, credential.AccountName));
        request.Headers.SetValue(HttpHeader.Names.Authorization, $"SharedKey {credential.AccountName}:{signature}");
    }
}

/// <summary>Appends a shared access signature (from a connection string) to every request's query.</summary>
internal sealed class SasPolicy(string sas) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var uri = message.Request.Uri;
        var query = uri.Query;
        if (!query.Contains(sas, StringComparison.Ordinal))
        {
            uri.Query = query.Length is 0 or 1 ? "?" + sas : query + "&" + sas;
        }
    }
}
