using System.IO.Compression;
using System.Net;
using System.Text;
using Vigil.Deployment.Tests.Support;
using Vigil.DevHost;
using Vigil.DevHost.AppRoot;
using Vigil.DevHost.Handler;
using Vigil.DevHost.Settings;

namespace Vigil.Deployment.Tests.Package;

/// <summary>
/// The package command's output is a valid function app root (as the Functions host reads it) and its zip keeps the
/// layout and the handler's executable bit; every function.json has a handler route in the published handler.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PublishedAppTests
{
    private const UnixFileMode Executable = UnixFileMode.UserExecute;

    [Fact]
    public async Task PublishedFolder_IsAFunctionAppRoot_WithEveryFunctionOfTheSource()
    {
        var package = await PublishedPackage.GetAsync();

        var app = FunctionAppDefinition.Load(package.AppRoot); // host.json + function.json files, as DevHost and the host read them
        var source = DeploymentFiles.Functions;

        Assert.Equal(source.Select(f => f.Name).Order(StringComparer.Ordinal), app.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var function in source)
        {
            Assert.Equal(File.ReadAllText(function.Path), File.ReadAllText(Path.Combine(package.AppRoot, function.Name, "function.json")));
        }

        Assert.Equal(File.ReadAllText(Path.Combine(DeploymentFiles.Root, "host.json")), File.ReadAllText(Path.Combine(package.AppRoot, "host.json")));
        Assert.False(File.Exists(Path.Combine(package.AppRoot, "local.settings.json")), "local settings must never ship");
    }

    [Fact]
    public async Task PublishedFolder_HostJsonHandler_IsAnExecutableSelfContainedFile()
    {
        var package = await PublishedPackage.GetAsync();
        var host = DeploymentFiles.ReadObject(Path.Combine(package.AppRoot, "host.json"));
        var description = host["customHandler"]!["description"]!;
        var executable = Path.Combine(package.AppRoot, description["defaultExecutablePath"]!.GetValue<string>());

        Assert.True(File.Exists(executable), $"{executable} does not exist");
        Assert.True((File.GetUnixFileMode(executable) & Executable) != 0, $"{executable} is not executable");
        Assert.Equal(string.Empty, description["workingDirectory"]?.GetValue<string>() ?? string.Empty);

        // Self-contained: the runtime ships in the folder (whether the 'custom' image has .NET is unconfirmed).
        Assert.True(File.Exists(Path.Combine(package.AppRoot, "libcoreclr.so")), "the handler is not self-contained for linux-x64");
        var runtimeConfig = File.ReadAllText(Path.Combine(package.AppRoot, "Vigil.Functions.runtimeconfig.json"));
        Assert.Contains("includedFrameworks", runtimeConfig, StringComparison.Ordinal);

        // Start-up tuning that ships (docs/benchmarks.md): composite ReadyToRun image, workstation GC.
        Assert.True(File.Exists(Path.Combine(package.AppRoot, "Vigil.Functions.r2r.dll")), "the composite ReadyToRun image is missing");
        Assert.Contains("\"System.GC.Server\": false", runtimeConfig, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishedFolder_FunctionJsons_UseOnlyBindingTypesTheHostAndDevHostRun()
    {
        var package = await PublishedPackage.GetAsync();
        var unknown = DeploymentFiles.LoadFunctions(package.AppRoot)
            .SelectMany(f => f.BindingTypes.Select(t => (f.Name, Type: t)))
            .Where(b => !FunctionAppDefinition.SupportedBindingTypes.Contains(b.Type))
            .ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public async Task Zip_HoldsTheAppRootAtItsRoot_AndKeepsTheExecutableBit()
    {
        var package = await PublishedPackage.GetAsync();
        using (var zip = ZipFile.OpenRead(package.ZipFile))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("host.json", names);
            foreach (var function in DeploymentFiles.Functions)
            {
                Assert.Contains($"{function.Name}/function.json", names);
            }

            var handler = zip.GetEntry("Vigil.Functions")!;
            var mode = (UnixFileMode)((handler.ExternalAttributes >> 16) & 0x1FF);
            Assert.True((mode & Executable) != 0, $"Vigil.Functions has mode {mode} in the zip");
        }

        // Unzip as a Linux host would and check the handler is still executable there.
        var extracted = Path.Combine(Path.GetDirectoryName(package.ZipFile)!, "unzipped");
        if (Directory.Exists(extracted))
        {
            Directory.Delete(extracted, recursive: true);
        }

        ZipFile.ExtractToDirectory(package.ZipFile, extracted);
        Assert.True((File.GetUnixFileMode(Path.Combine(extracted, "Vigil.Functions")) & Executable) != 0);
        Assert.Equal(
            Directory.EnumerateFiles(package.AppRoot, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(package.AppRoot, f)).Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(extracted, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(extracted, f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PublishedHandler_EveryFunctionJson_HasAHandlerRoute()
    {
        var package = await PublishedPackage.GetAsync();
        var app = FunctionAppDefinition.Load(package.AppRoot);
        var settings = LocalSettings.Load(Path.Combine(DeploymentFiles.Root, "local.settings.sample.json"));
        var log = new DevHostLog(null);
        await using var handler = new HandlerProcess(app, settings, log);
        await handler.StartAsync(CancellationToken.None);
        var client = await handler.GetClientAsync(CancellationToken.None);

        // The handler answers 404 only for a name it has no function for; a known function rejects an empty
        // envelope with 400 instead (and logs it), without touching storage.
        async Task<HttpStatusCode> InvokeAsync(string name)
        {
            using var content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri(name, UriKind.Relative), content);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NotFound, await InvokeAsync("NoSuchFunction"));
        foreach (var function in app.Functions)
        {
            Assert.NotEqual(HttpStatusCode.NotFound, await InvokeAsync(function.Name));
        }
    }
}
