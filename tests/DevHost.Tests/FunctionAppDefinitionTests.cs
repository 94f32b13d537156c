using Vigil.DevHost.AppRoot;

namespace Vigil.DevHost.Tests;

public sealed class FunctionAppDefinitionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-approot-").FullName;

    private const string GoodHost = """
        { "version": "2.0", "functionTimeout": "00:01:00",
          "customHandler": { "description": { "defaultExecutablePath": "handler", "arguments": ["--a", "%X%"] } },
          "extensions": { "http": { "routePrefix": "api" }, "serviceBus": { "maxConcurrentCalls": 4 } } }
        """;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public void Load_ValidRoot_ReadsHostAndEveryFunction()
    {
        Write("host.json", GoodHost);
        Write("Api/function.json", """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"admin","methods":["get","post"],"route":"things/{id?}"},{"type":"http","direction":"out","name":"res"},{"type":"serviceBus","direction":"out","name":"out","queueName":"q","connection":"SB"}]}""");
        Write("Tick/function.json", """{"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"%S%","runOnStartup":true}]}""");
        Write("Read/function.json", """{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"message","queueName":"q","connection":"SB"}]}""");
        Write("runtimes/ignored.txt", "not a function");

        var app = FunctionAppDefinition.Load(_root);

        Assert.Equal(["Api", "Read", "Tick"], app.Functions.Select(f => f.Name));
        Assert.Equal(4, app.Host.MaxConcurrentCalls);
        Assert.Equal(TimeSpan.FromMinutes(1), app.Host.FunctionTimeout);
        var http = Assert.IsType<HttpTriggerBinding>(app.Functions[0].Trigger);
        Assert.Equal((AuthLevel.Admin, "things/{id?}"), (http.AuthLevel, http.Route));
        Assert.Equal(["GET", "POST"], http.Methods);
        Assert.True(Assert.IsType<TimerTriggerBinding>(app.Functions[2].Trigger).RunOnStartup);
        Assert.Equal(["q"], app.QueueNames);
    }

    [Theory]
    [InlineData(null, "has no host.json")]
    [InlineData("{ not json", "not valid JSON at line 1")]
    [InlineData("""{"version":"1.0","customHandler":{"description":{"defaultExecutablePath":"x"}}}""", "\"version\" must be \"2.0\"")]
    [InlineData("""{"version":"2.0"}""", "customHandler.description")]
    [InlineData("""{"version":"2.0","customHandler":{"description":{}}}""", "defaultExecutablePath\" is missing")]
    [InlineData("""{"version":"2.0","functionTimeout":"soon","customHandler":{"description":{"defaultExecutablePath":"x"}}}""", "functionTimeout")]
    public void Load_BrokenHostJson_NamesTheFileAndTheProblem(string? hostJson, string problem)
    {
        if (hostJson is not null)
        {
            Write("host.json", hostJson);
        }

        Write("F/function.json", """{"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"0 * * * * *"}]}""");

        var error = Assert.Throws<FunctionAppDefinitionException>(() => FunctionAppDefinition.Load(_root));

        Assert.EndsWith("host.json", error.File, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"bindings":[]}""", "non-empty array")]
    [InlineData("""{"bindings":[{"type":"queueTrigger","direction":"in","name":"m","queueName":"q"}]}""", "'queueTrigger' is not supported")]
    [InlineData("""{"bindings":[{"type":"timerTrigger","direction":"in","name":"t"}]}""", "bindings[0].schedule\" is missing")]
    [InlineData("""{"bindings":[{"type":"httpTrigger","direction":"in","name":"req"}]}""", "needs an \"http\" output")]
    [InlineData("""{"bindings":[{"type":"http","direction":"out","name":"res"}]}""", "no trigger binding")]
    [InlineData("""{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"m","topicName":"t","connection":"c"}]}""", "topics are not supported")]
    [InlineData("""{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"system"},{"type":"http","direction":"out","name":"res"}]}""", "authLevel 'system'")]
    [InlineData("""{"bindings":[{"type":"timerTrigger","direction":"in","name":"x","schedule":"* * * * * *"},{"type":"http","direction":"out","name":"x"}]}""", "used twice")]
    public void Load_BrokenFunctionJson_NamesTheFileAndTheProblem(string functionJson, string problem)
    {
        Write("host.json", GoodHost);
        Write("Broken/function.json", functionJson);

        var error = Assert.Throws<FunctionAppDefinitionException>(() => FunctionAppDefinition.Load(_root));

        Assert.Equal(Path.Combine(_root, "Broken", "function.json"), error.File);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoFunctions_SaysItIsNotAnAppRoot()
    {
        Write("host.json", GoodHost);

        var error = Assert.Throws<FunctionAppDefinitionException>(() => FunctionAppDefinition.Load(_root));

        Assert.Contains("not a function app root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RepositoryHandlerBuild_IsAValidAppRoot()
    {
        var scriptRoot = DevHostOptions.BuildMetadata("DefaultScriptRoot")!;

        var app = FunctionAppDefinition.Load(scriptRoot);

        Assert.Contains(app.Functions, f => f.Name == "Health");
        Assert.True(File.Exists(Path.Combine(app.ScriptRoot, app.Host.DefaultExecutablePath)));
    }
}
