using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Vigil.Domain.Health;

namespace Vigil.Domain.Tests;

/// <summary>src/Domain is pure logic: no Azure, no ASP.NET Core, no I/O (files, network, processes, console, clock).</summary>
public sealed class DomainPurityTests
{
    private static readonly Assembly Domain = typeof(HealthStatus).Assembly;

    private static readonly string[] ForbiddenAssemblyPrefixes =
    [
        "Azure", "Microsoft.AspNetCore", "Microsoft.Extensions", "System.Net", "Vigil.Storage", "Vigil.Functions",
        "System.Diagnostics.Process", "System.IO.FileSystem", "System.Console", "Microsoft.Data",
    ];

    private static readonly string[] ForbiddenTypes =
    [
        "System.IO.File", "System.IO.Directory", "System.IO.FileStream", "System.IO.FileInfo", "System.IO.DirectoryInfo", "System.IO.Path",
        "System.Console", "System.Diagnostics.Process", "System.Environment",
        "System.Net.Http.HttpClient", "System.Net.Sockets.Socket", "System.Net.Dns", "System.Net.WebRequest",
        "System.DateTime::get_Now", "System.DateTime::get_UtcNow", "System.DateTimeOffset::get_Now", "System.DateTimeOffset::get_UtcNow",
        "System.Threading.Thread", "System.Random",
    ];

    [Fact]
    public void Domain_ReferencesNoInfrastructureAssembly()
    {
        var offending = Domain.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => ForbiddenAssemblyPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void Domain_UsesNoIoClockOrRandomnessApi()
    {
        using var stream = File.OpenRead(Domain.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeReferences)
        {
            var type = metadata.GetTypeReference(handle);
            used.Add($"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}");
        }

        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                var type = metadata.GetTypeReference((TypeReferenceHandle)member.Parent);
                used.Add($"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}::{metadata.GetString(member.Name)}");
            }
        }

        var offending = used.Where(u => ForbiddenTypes.Any(f => u == f || u.StartsWith(f + "::", StringComparison.Ordinal))).Order().ToList();
        Assert.Empty(offending);
    }
}
