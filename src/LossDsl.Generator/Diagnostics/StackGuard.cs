using System.Runtime.CompilerServices;

namespace LossDsl.Generator.Diagnostics;

/// <summary>
/// The guard of every recursive pass over syntax and expression trees (Roslyn guards its binder the same way): near the
/// end of the thread's stack it throws <see cref="System.InsufficientExecutionStackException"/>, which unwinds safely and
/// which <see cref="Compiler"/> reports as LOSS026 on the formula, instead of a stack overflow that kills the compiler
/// and every other file of the build with it.
/// </summary>
internal static class StackGuard
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ensure() => RuntimeHelpers.EnsureSufficientExecutionStack();
}
