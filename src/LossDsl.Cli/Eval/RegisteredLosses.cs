using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace LossDsl.Cli.Eval;

/// <summary>Makes sure the generated losses are in <see cref="LossRegistry"/>.</summary>
public static class RegisteredLosses
{
    /// <summary>The assembly that holds the losses generated from <c>definitions/*.loss</c>.</summary>
    public const string DefinitionsAssembly = "LossDsl.Definitions";

    private static readonly object s_gate = new();
    private static bool s_loaded;

    /// <summary>
    /// Loads the definitions assembly and runs its module initializer, which registers every generated loss.
    /// Returns false (and the reason) when the assembly is not there, as when the tool is built without it.
    /// </summary>
    public static bool EnsureLoaded(out string? problem)
    {
        problem = null;
        lock (s_gate)
        {
            if (s_loaded) return true;
            try
            {
                var assembly = Assembly.Load(new AssemblyName(DefinitionsAssembly));
                RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
                s_loaded = true;
                return true;
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                problem = $"the losses ({DefinitionsAssembly}.dll) could not be loaded: {e.Message}";
                return false;
            }
        }
    }

    /// <summary><see cref="EnsureLoaded(out string?)"/>, ignoring why it failed.</summary>
    public static bool EnsureLoaded() => EnsureLoaded(out _);
}
