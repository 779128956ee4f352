using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// Tanh and Cosh. Scalar: the C runtime's (float computed in double); vector: from Expm1 / Exp.
public static partial class LossMath
{
    // ---- Tanh ----

    /// <summary>Hyperbolic tangent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>((float)System.Math.Tanh(Unsafe.BitCast<T, float>(x)));
        return Unsafe.BitCast<double, T>(System.Math.Tanh(Unsafe.BitCast<T, double>(x)));
    }

    /// <summary>Hyperbolic tangent per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Tanh<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TanhCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>Hyperbolic tangent per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Tanh<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TanhCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>Hyperbolic tangent per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Tanh<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => TanhCore<Vector512<T>, T, V512Ops<T>>(x);

    // tanh|x| = e / (e + 2) with e = expm1(2|x|); |x| is clamped where tanh already rounds to 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV TanhCore<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        TV a = O.Min(O.Abs(x), O.C(typeof(T) == typeof(float) ? 10.0 : 20.0));
        TV e = Expm1Core<TV, T, O>(O.Add(a, a));
        TV t = O.Div(e, O.Add(e, O.C(2.0)));
        return O.CopySign(t, x);
    }

    // ---- Cosh ----

    /// <summary>Hyperbolic cosine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Cosh<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>((float)System.Math.Cosh(Unsafe.BitCast<T, float>(x)));
        return Unsafe.BitCast<double, T>(System.Math.Cosh(Unsafe.BitCast<T, double>(x)));
    }

    /// <summary>Hyperbolic cosine per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Cosh<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<CoshKernel>(x.As<T, float>()).As<float, T>()
            : CoshCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>Hyperbolic cosine per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Cosh<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<CoshKernel>(x.As<T, float>()).As<float, T>()
            : CoshCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>Hyperbolic cosine per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Cosh<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<CoshKernel>(x.As<T, float>()).As<float, T>()
            : CoshCore<Vector512<T>, T, V512Ops<T>>(x);

    // cosh x = (e + 1/e) / 2 with e = e^|x|; where e^|x| would overflow but cosh does not,
    // cosh x = (h / 2) h with h = e^(|x|/2).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV CoshCore<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        TV a = O.Abs(x);
        TV half = O.C(0.5);
        TV e = O.Exp(a);
        TV small = O.Mul(half, O.Add(e, O.Div(O.C(1.0), e)));
        TV h = O.Exp(O.Mul(half, a));
        TV big = O.Mul(O.Mul(half, h), h);
        return O.Select(O.Gt(a, O.C(typeof(T) == typeof(float) ? 88.0 : 709.0)), big, small);
    }

    // Float cosh runs in double: from the float exp (~1 ulp) it would reach 2.2 ulp (e^|x| squared near overflow).
    private readonly struct CoshKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => CoshCore<TV, double, O>(x);
    }
}
