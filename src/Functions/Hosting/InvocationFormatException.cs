namespace Vigil.Functions.Hosting;

/// <summary>
/// The Functions host sent an invocation envelope Vigil cannot read. The message says what was wrong;
/// it never contains payload values (they may hold secrets or personal data).
/// </summary>
public sealed class InvocationFormatException : Exception
{
    public InvocationFormatException(string message)
        : base(message)
    {
    }

    public InvocationFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvocationFormatException()
    {
    }
}
