using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// Atan. Scalar: the C runtime's (float computed in double); vector: Cephes' range reduction and polynomial,
// float lanes widened to double (the float polynomial alone measured 2.06 ulp).
public static partial class LossMath
{
    /// <summary>Arc tangent, in (-pi/2, pi/2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Atan<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>((float)System.Math.Atan(Unsafe.BitCast<T, float>(x)));
        return Unsafe.BitCast<double, T>(System.Math.Atan(Unsafe.BitCast<T, double>(x)));
    }

    /// <summary>Arc tangent per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Atan<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<AtanKernel>(x.As<T, float>()).As<float, T>()
            : AtanCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>Arc tangent per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Atan<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<AtanKernel>(x.As<T, float>()).As<float, T>()
            : AtanCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>Arc tangent per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Atan<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<AtanKernel>(x.As<T, float>()).As<float, T>()
            : AtanCore<Vector512<T>, T, V512Ops<T>>(x);

    // On a = |x|: a > tan(3pi/8): atan a = pi/2 + atan(-1/a); a > tan(pi/8) (float) or 0.66 (double):
    // atan a = pi/4 + atan((a-1)/(a+1)); then atan t = t + t z P(z) with z = t^2 (float: Cephes atanf
    // polynomial; double: Cephes atan rational P/Q, with pi/2 and pi/4 carried in two parts).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV AtanCore<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        bool f = typeof(T) == typeof(float);
        TV one = O.C(1.0);
        TV a = O.Abs(x);
        TV big = O.Gt(a, O.C(2.41421356237309504880));
        TV mid = O.AndNot(O.Gt(a, O.C(f ? 0.4142135623730950 : 0.66)), big);
        TV num = O.Select(big, O.Neg(one), O.Select(mid, O.Sub(a, one), a));
        TV den = O.Select(big, a, O.Select(mid, O.Add(a, one), one));
        TV t = O.Div(num, den);
        TV z = O.Mul(t, t);
        TV zero = O.C(0.0);
        TV y0 = O.Select(big, O.C(1.57079632679489661923), O.Select(mid, O.C(0.78539816339744830962), zero));
        TV r;
        if (f)
        {
            TV p = O.Mad(O.C(8.05374449538e-2), z, O.C(-1.38776856032e-1));
            p = O.Mad(p, z, O.C(1.99777106478e-1));
            p = O.Mad(p, z, O.C(-3.33329491539e-1));
            // pi/2 and pi/4 rounded to float are off by 1e-8 relative: add their low parts first.
            TV lo = O.Select(big, O.C(-4.371139006309477e-8), O.Select(mid, O.C(-2.1855695031547384e-8), zero));
            r = O.Add(y0, O.Add(O.Mad(O.Mul(p, z), t, t), lo));
        }
        else
        {
            TV p = O.Mad(O.C(-8.750608600031904122785e-1), z, O.C(-1.615753718733365076637e1));
            p = O.Mad(p, z, O.C(-7.500855792314704667340e1));
            p = O.Mad(p, z, O.C(-1.228866684490136173410e2));
            p = O.Mad(p, z, O.C(-6.485021904942025371773e1));
            TV q = O.Add(z, O.C(2.485846490142306297962e1));
            q = O.Mad(q, z, O.C(1.650270098316988542046e2));
            q = O.Mad(q, z, O.C(4.328810604912902668951e2));
            q = O.Mad(q, z, O.C(4.853903996359136964868e2));
            q = O.Mad(q, z, O.C(1.945506571482613964425e2));
            TV w = O.Div(O.Mul(z, p), q);
            // Low part of pi/2 (pi/4) added before the high part.
            TV lo = O.Select(big, O.C(6.123233995736765886130e-17), O.Select(mid, O.C(3.061616997868382943065e-17), zero));
            r = O.Add(y0, O.Add(O.Mad(w, t, t), lo));
        }
        return O.CopySign(r, x);
    }

    private readonly struct AtanKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => AtanCore<TV, double, O>(x);
    }
}
