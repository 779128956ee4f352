using System.Runtime.CompilerServices;

namespace LossDsl;

/// <summary>
/// One yes/no fact of a call (a weight given, a gradient wanted) as a type, <see cref="On"/> or <see cref="Off"/>: a
/// kernel generic over it tests <c>typeof(F) == typeof(On)</c>, which the JIT folds to a constant with no call to inline.
/// </summary>
public interface IFlag;

/// <summary>The fact holds.</summary>
public readonly struct On : IFlag;

/// <summary>The fact does not hold.</summary>
public readonly struct Off : IFlag;

/// <summary>
/// A call whose kernel is specialised per call: it knows its facts as bits (<see cref="Bits"/>), and
/// <see cref="Run{F0, F1, F2, F3, F4, F5}"/> builds and runs the kernel compiled for them.
/// </summary>
public interface IFlaggedCall<T>
{
    /// <summary>
    /// The facts a call of this type can have, bit k for fact k: a constant of the type, so that
    /// <see cref="KernelFlags.Dispatch{TCall, T}"/> tests only these bits and compiles only their combinations.
    /// </summary>
    static abstract int Facts { get; }

    /// <summary>The call's facts, bit k for fact k (only the low <see cref="KernelFlags.Count"/> bits are read).</summary>
    int Bits { get; }

    /// <summary>Runs the kernel specialised for the facts <typeparamref name="F0"/> .. <typeparamref name="F5"/> (bits 0 .. 5).</summary>
    T Run<F0, F1, F2, F3, F4, F5>() where F0 : struct, IFlag where F1 : struct, IFlag where F2 : struct, IFlag where F3 : struct, IFlag where F4 : struct, IFlag where F5 : struct, IFlag;
}

/// <summary>
/// Turns a call's facts, known at run time, into a type, so that the kernel's inner loop holds no test of them
/// (issue 15: specialise per call, not per vector). One chain of small generic steps, one per bit; a bit outside the
/// call type's <see cref="IFlaggedCall{T}.Facts"/> is <see cref="Off"/> with no test, so the JIT compiles only the
/// combinations of the facts the call can have (at most 2^<see cref="Count"/> per kernel), and runs only those called.
/// </summary>
public static class KernelFlags
{
    /// <summary>The number of facts a kernel can have specialised; a kernel tests any further ones per vector.</summary>
    public const int Count = 6;

    /// <summary>Runs <paramref name="call"/>'s kernel specialised for its <see cref="IFlaggedCall{T}.Bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dispatch<TCall, T>(ref TCall call) where TCall : struct, IFlaggedCall<T>, allows ref struct
    {
        int bits = call.Bits;
        return (TCall.Facts & bits & 1) != 0 ? B1<TCall, T, On>(ref call, bits) : B1<TCall, T, Off>(ref call, bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T B1<TCall, T, F0>(ref TCall call, int bits) where TCall : struct, IFlaggedCall<T>, allows ref struct where F0 : struct, IFlag
        => (TCall.Facts & bits & 2) != 0 ? B2<TCall, T, F0, On>(ref call, bits) : B2<TCall, T, F0, Off>(ref call, bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T B2<TCall, T, F0, F1>(ref TCall call, int bits) where TCall : struct, IFlaggedCall<T>, allows ref struct
        where F0 : struct, IFlag where F1 : struct, IFlag
        => (TCall.Facts & bits & 4) != 0 ? B3<TCall, T, F0, F1, On>(ref call, bits) : B3<TCall, T, F0, F1, Off>(ref call, bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T B3<TCall, T, F0, F1, F2>(ref TCall call, int bits) where TCall : struct, IFlaggedCall<T>, allows ref struct
        where F0 : struct, IFlag where F1 : struct, IFlag where F2 : struct, IFlag
        => (TCall.Facts & bits & 8) != 0 ? B4<TCall, T, F0, F1, F2, On>(ref call, bits) : B4<TCall, T, F0, F1, F2, Off>(ref call, bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T B4<TCall, T, F0, F1, F2, F3>(ref TCall call, int bits) where TCall : struct, IFlaggedCall<T>, allows ref struct
        where F0 : struct, IFlag where F1 : struct, IFlag where F2 : struct, IFlag where F3 : struct, IFlag
        => (TCall.Facts & bits & 16) != 0 ? B5<TCall, T, F0, F1, F2, F3, On>(ref call, bits) : B5<TCall, T, F0, F1, F2, F3, Off>(ref call, bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T B5<TCall, T, F0, F1, F2, F3, F4>(ref TCall call, int bits) where TCall : struct, IFlaggedCall<T>, allows ref struct
        where F0 : struct, IFlag where F1 : struct, IFlag where F2 : struct, IFlag where F3 : struct, IFlag where F4 : struct, IFlag
        => (TCall.Facts & bits & 32) != 0 ? call.Run<F0, F1, F2, F3, F4, On>() : call.Run<F0, F1, F2, F3, F4, Off>();
}
