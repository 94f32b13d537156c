using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Deployment.Tests.Support;
using Vigil.Functions;
using Vigil.Functions.Hosting;

namespace Vigil.Deployment.Tests.Consistency;

/// <summary>
/// Every function.json has an <see cref="IFunction"/> of the same name registered by the composition root, and every
/// registered function has a function.json (else the host would never call it, or would call a route that 404s).
/// </summary>
public sealed class FunctionRegistryTests
{
    [Fact]
    public async Task CompositionRoot_RegistersExactlyTheFunctionsWithAFunctionJson()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(DeploymentFiles.SampleSettings.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        builder.Services.AddVigil(builder.Configuration);
        await using var app = builder.Build();

        var registered = app.Services.GetRequiredService<FunctionRegistry>().All.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var declared = DeploymentFiles.Functions.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var noHandler = declared.Except(registered, StringComparer.OrdinalIgnoreCase).ToList();
        var noFunctionJson = registered.Except(declared, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.True(noHandler.Count == 0, $"function.json without a registered IFunction: {string.Join(", ", noHandler)}");
        Assert.True(noFunctionJson.Count == 0, $"registered IFunction without src/Functions/FunctionApp/<Name>/function.json: {string.Join(", ", noFunctionJson)}");
    }
}
