namespace Vigil.DevHost.Azurite;

/// <summary>Azurite could not be installed or started; the message says what to do about it.</summary>
public sealed class AzuriteException : Exception
{
    public AzuriteException()
    {
    }

    public AzuriteException(string message)
        : base(message)
    {
    }

    public AzuriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
