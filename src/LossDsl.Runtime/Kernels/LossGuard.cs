using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LossDsl;

/// <summary>
/// Argument checks that generated kernels run before touching memory: a mismatch throws an <see cref="ArgumentException"/>
/// naming the argument. The checks of every call are inlined, their exceptions are built out of line: each failing branch
/// is a <c>throw</c>, which the JIT knows does not return, so it keeps that branch cold and spills nothing around it
/// (the fixed cost of a call, issue 15).
/// </summary>
public static class LossGuard
{
    /// <summary>A span that must have exactly <paramref name="expected"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, int expected, string paramName)
    {
        if (actual != expected) throw LengthError(actual, expected, paramName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException LengthError(int actual, int expected, string paramName) =>
        new ArgumentException($"'{paramName}' has {actual} elements but {expected} are needed (the length of the first input, or of the output).", paramName);

    /// <summary>An optional span: empty (left out) or exactly <paramref name="expected"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Optional(int actual, int expected, string paramName)
    {
        if (actual != 0 && actual != expected) throw OptionalError(actual, expected, paramName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException OptionalError(int actual, int expected, string paramName) =>
        new ArgumentException($"'{paramName}' has {actual} elements: give {expected} (one per element) or none.", paramName);

    /// <summary>The row length of a row loss: positive, and dividing the input length.</summary>
    public static int Rows(int rowLength, int length, string paramName)
    {
        if (rowLength <= 0 || length % rowLength != 0)
            throw new ArgumentException($"'{paramName}' is {rowLength}: it must be positive and divide the input length {length}.", paramName);
        return length / rowLength;
    }

    /// <summary>The width of a per-row list input of <paramref name="length"/> values over <paramref name="rows"/> rows (it must divide).</summary>
    public static int Width(int length, int rows, string paramName)
    {
        if (rows == 0) return 0;
        if (length % rows != 0)
            throw new ArgumentException($"'{paramName}' has {length} values: it must hold the same number for each of the {rows} rows.", paramName);
        return length / rows;
    }

    /// <summary>Class indices given as whole numbers in an array of <typeparamref name="T"/> (as tools pass them), as ints.</summary>
    public static int[] Indices<T>(T[]? values, string paramName) where T : System.Numerics.INumberBase<T>
    {
        if (values is null) return System.Array.Empty<int>();
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsInteger(values[i])) throw new ArgumentException($"'{paramName}' holds {values[i]}, not a class index.", paramName);
            result[i] = int.CreateSaturating(values[i]);
        }
        return result;
    }

    /// <summary>Gradients are written while inputs are read, so a gradient span may not share memory with an input.</summary>
    /// <remarks>MemoryExtensions.Overlaps written out: it was not inlined into the large Run methods, and its four calls per
    /// call weighed at small N (issue 15, the fixed cost).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void NoOverlap<T>(ReadOnlySpan<T> input, Span<T> gradient, string paramName)
    {
        if (gradient.IsEmpty || input.IsEmpty) return;
        nint offset = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(gradient));
        if ((nuint)offset < (nuint)((nint)input.Length * Unsafe.SizeOf<T>()) || (nuint)offset > (nuint)(-((nint)gradient.Length * Unsafe.SizeOf<T>())))
            throw OverlapError(paramName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException OverlapError(string paramName) =>
        new ArgumentException($"'{paramName}' overlaps an input: gradients cannot be written in place.", paramName);
}
