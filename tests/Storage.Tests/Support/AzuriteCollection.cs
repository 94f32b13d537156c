using Vigil.Testing;

namespace Vigil.Storage.Tests.Support;

/// <summary>Every integration test class shares one Azurite for the run.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
