using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace LossDsl;

/// <summary>Every loss declared in the loaded assemblies; generated code registers each one from a module initializer.</summary>
public static class LossRegistry
{
    private static readonly ConcurrentDictionary<string, ILossDefinition> s_byName = new();

    /// <summary>Called by generated code: adds a declared loss.</summary>
    public static void Register(ILossDefinition definition) => s_byName[definition.Name] = definition;

    /// <summary>Finds a loss by its formula-language name.</summary>
    public static bool TryGet(string name, out ILossDefinition definition) => s_byName.TryGetValue(name, out definition!);

    /// <summary>All registered losses, by name.</summary>
    public static IReadOnlyList<ILossDefinition> All => s_byName.Values.OrderBy(d => d.Name, System.StringComparer.Ordinal).ToList();
}
