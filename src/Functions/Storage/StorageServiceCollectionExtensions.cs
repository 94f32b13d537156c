using Vigil.Storage;

namespace Vigil.Functions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The app setting (connection name) of Vigil's own storage account.</summary>
    public const string ConnectionName = "VigilStorage";

    public static IServiceCollection AddVigilStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => ResolveConnection(configuration, ConnectionName));
        services.AddSingleton(sp => sp.GetRequiredService<StorageConnection>().CreateTableServiceClient());
        services.AddSingleton<VigilTables>();
        return services;
    }

    /// <summary>Reads a connection the way the Functions host does: <c>Name</c> or <c>Name__accountName</c>, ...</summary>
    public static StorageConnection ResolveConnection(IConfiguration configuration, string name)
    {
        try
        {
            return StorageConnection.FromSettings(name, key => configuration[key.Replace("__", ":", StringComparison.Ordinal)]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"The storage connection '{name}' is not usable: {ex.Message} Set '{name}' to a connection string (locally: UseDevelopmentStorage=true) or '{name}__accountName' for a managed identity.",
                ex);
        }
    }
}
