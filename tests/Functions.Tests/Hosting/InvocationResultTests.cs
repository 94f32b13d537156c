using System.Text.Json;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Tests.Hosting;

public sealed class InvocationResultTests
{
    [Fact]
    public void AddMessage_BareString_IsRefused()
    {
        var result = new InvocationResult();

        var error = Assert.Throws<InvalidOperationException>(() => result.AddMessage("out", "dGVzdA=="));
        Assert.Contains("JSON objects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMessage_Number_IsRefused()
    {
        var result = new InvocationResult();

        Assert.Throws<InvalidOperationException>(() => result.AddMessage("out", 42));
    }

    [Fact]
    public void Encode_Messages_AreOneArrayPerBinding()
    {
        var result = new InvocationResult();
        result.AddMessage("out", new { a = 1 });
        result.AddMessage("out", new { a = 2 });
        result.Log("line one\nline two");

        using var document = JsonDocument.Parse(result.Encode());

        Assert.Equal(2, document.RootElement.GetProperty("Outputs").GetProperty("out").GetArrayLength());
        Assert.Equal("line one line two", document.RootElement.GetProperty("Logs")[0].GetString());
        Assert.Equal(2, result.MessageCount("out"));
    }

    [Fact]
    public void Encode_Twice_GivesTheSameBytes()
    {
        var result = new InvocationResult();
        result.AddMessage("out", new { a = 1 });

        Assert.Equal(result.Encode(), result.Encode());
    }
}
