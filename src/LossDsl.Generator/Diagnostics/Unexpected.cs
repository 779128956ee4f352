using System;

namespace LossDsl.Generator.Diagnostics;

/// <summary>
/// Roslyn's rule for a switch over kinds: the default case throws, naming what it did not handle, instead of returning
/// something plausible (a zero derivative, a sum). <see cref="Compiler"/> turns the exception into LOSS999 on the
/// formula, so a gap in the generator is a located error, never a silently wrong gradient.
/// </summary>
internal sealed class UnexpectedValueException : Exception
{
    public UnexpectedValueException(string stage, object? value)
        : base($"{stage} has no case for {Describe(value)}") { }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        Enum e => $"{e.GetType().Name}.{e}",
        _ => value.GetType().Name,
    };
}
