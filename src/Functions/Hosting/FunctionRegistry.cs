using System.Diagnostics.CodeAnalysis;

namespace Vigil.Functions.Hosting;

/// <summary>The functions this handler serves, by name (case-insensitive, as the host's routes are).</summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, IFunction> _functions;

    public FunctionRegistry(IEnumerable<IFunction> functions)
    {
        _functions = new Dictionary<string, IFunction>(StringComparer.OrdinalIgnoreCase);
        foreach (var function in functions)
        {
            if (!_functions.TryAdd(function.Name, function))
            {
                throw new InvalidOperationException($"Two functions are named '{function.Name}'.");
            }
        }
    }

    public IReadOnlyCollection<IFunction> All => _functions.Values;

    public bool TryGet(string name, [NotNullWhen(true)] out IFunction? function) => _functions.TryGetValue(name, out function);
}
