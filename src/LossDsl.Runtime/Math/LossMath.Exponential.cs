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
    // ---- Exp. Scalar: the C runtime's (float computed in double). Vector double: ExpReduce (the Expm1
    // reduction), e^x = 2^k (1 + p): the BCL's vector Exp measured 2.1 ulp (double) and 2.3 ulp (float,
    // e.g. exp(-1.6e-8f) = 1 + ulp). Vector float: ExpF, in float lanes (LossMath.Single.cs). ----

    /// <summary>e^x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => ScalarOps<T>.Exp(x);

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ExpF<Vector128<float>, V128Ops<float>>(x.As<T, float>()).As<float, T>()
            : ExpCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ExpF<Vector256<float>, V256Ops<float>>(x.As<T, float>()).As<float, T>()
            : ExpCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>e^x per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ExpF<Vector512<float>, V512Ops<float>>(x.As<T, float>()).As<float, T>()
            : ExpCore<Vector512<T>, T, V512Ops<T>>(x);

    // ---- ExpBounded: e^x for x in [-87, 88], where arguments are bounded by construction (a log-sum-exp's terms less
    // its largest, floored). Exp's result bit for bit there; vector float in fewer instructions (ExpBoundedF). ----

    /// <summary>e^x for x in [-87, 88] (or NaN), as <see cref="Exp{T}(T)"/>; other x: wrong.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T ExpBounded<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Exp(x);

    /// <summary>e^x per lane for x in [-87, 88] (or NaN), as <see cref="Exp{T}(Vector128{T})"/>; other x: wrong.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<T> ExpBounded<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ExpBoundedF<Vector128<float>, V128Ops<float>>(x.As<T, float>()).As<float, T>()
            : Exp(x);

    /// <summary>e^x per lane for x in [-87, 88] (or NaN), as <see cref="Exp{T}(Vector256{T})"/>; other x: wrong.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> ExpBounded<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ExpBoundedF<Vector256<float>, V256Ops<float>>(x.As<T, float>()).As<float, T>()
            : Exp(x);

    /// <summary>e^x per lane for x in [-87, 88] (or NaN), as <see cref="Exp{T}(Vector512{T})"/>; other x: wrong.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> ExpBounded<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ExpBoundedF<Vector512<float>, V512Ops<float>>(x.As<T, float>()).As<float, T>()
            : Exp(x);

    // ---- Log. Scalar: the C runtime's (float computed in double). Vector double: the BCL's; vector float: LogF. ----

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

    // e^x = ((1 + p) 2^(k - j)) 2^j with j = k/2 rounded, so both scalings stay in range and a subnormal
    // result is rounded once; x is clamped to where the result is already 0 or inf.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpCore<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        bool f = typeof(T) == typeof(float);
        TV xc = O.MinConstant(O.MaxConstant(x, O.C(f ? -105.0 : -750.0)), O.C(f ? 89.0 : 710.0)); // NaN goes through, and stays NaN
        TV p = ExpReduce<TV, T, O>(xc, out TV k);
        TV j = O.Round(O.Mul(k, O.C(0.5)));
        return O.Mul(O.Mul(O.Add(O.C(1.0), p), O.Pow2(O.Sub(k, j))), O.Pow2(j));
    }
}
