using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

/// <summary>
/// The math library that generated loss kernels call: every function has a scalar overload and
/// Vector128/256/512 overloads of the same name, for T = float and T = double.
/// </summary>
public static partial class LossMath
{
    // ---- Exp: the BCL's (vector: AOCL-derived, float computed in double; scalar: the C runtime's). ----

    /// <summary>e^x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => ScalarOps<T>.Exp(x);

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => V128Ops<T>.Exp(x);

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => V256Ops<T>.Exp(x);

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => V512Ops<T>.Exp(x);

    // ---- Log ----

    /// <summary>Natural logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => ScalarOps<T>.Log(x);

    /// <summary>Natural logarithm per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Log<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => V128Ops<T>.Log(x);

    /// <summary>Natural logarithm per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => V256Ops<T>.Log(x);

    /// <summary>Natural logarithm per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => V512Ops<T>.Log(x);
}
