using System.Security.Cryptography;
using System.Text;

namespace Vigil.Storage.Pipeline;

/// <summary>An account name and its decoded key. Never printed: <see cref="ToString"/> shows the account only.</summary>
internal sealed class SharedKeyCredential
{
    private readonly byte[] _key;

    public SharedKeyCredential(string accountName, byte[] key)
    {
        AccountName = accountName;
        _key = key;
    }

    public string AccountName { get; }

    public string Sign(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));

    public override string ToString() => $"SharedKey({AccountName})";
}
