using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// Log1p and Expm1: log(1 + x) and e^x - 1, accurate where x is near 0 (the BCL's double.LogP1 and
// ExpM1 are the naive formulas, which lose all digits there). Scalar float is computed in double;
// vector float log1p is Log1pF (LossMath.Single.cs), vector float expm1 runs Expm1Core in float.
public static partial class LossMath
{
    // ---- Log1p ----

    /// <summary>log(1 + x), accurate for small |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1p<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>(ViaDouble<Log1pKernel>(Unsafe.BitCast<T, float>(x)));
        return Log1pCore<T, T, ScalarOps<T>>(x);
    }

    /// <summary>log(1 + x) per lane, accurate for small |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Log1p<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? Log1pF<Vector128<float>, V128Ops<float>>(x.As<T, float>()).As<float, T>()
            : Log1pCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>log(1 + x) per lane, accurate for small |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log1p<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? Log1pF<Vector256<float>, V256Ops<float>>(x.As<T, float>()).As<float, T>()
            : Log1pCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>log(1 + x) per lane, accurate for small |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log1p<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? Log1pF<Vector512<float>, V512Ops<float>>(x.As<T, float>()).As<float, T>()
            : Log1pCore<Vector512<T>, T, V512Ops<T>>(x);

    // ---- Log1pUnit: log(1 + x) for x in [0, 2]: the log1p(exp(-|u|)) of softplus and log_sigmoid (Lowering), and
    // the log1p of a sum of two such exponentials (the CTC log-sum-exp). Vector float: Log1pF's reduction with k = 0 or
    // 1, read off x instead of decomposing 1 + x, and no special cases, in about half its instructions and registers:
    // the same result as Log1p, except near 2, where fl(1 + x) = 3 gives Log1pF k = 2 (both within 1 ulp). ----

    /// <summary>log(1 + x) for x in [0, 2] (as e = exp(-|u|) is, and a sum of two); other x: NaN or inexact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1pUnit<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Log1p(x);

    /// <summary>log(1 + x) per lane for x in [0, 2] (as e = exp(-|u|) is, and a sum of two); other x: NaN or inexact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Log1pUnit<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? Log1pUnitF<Vector128<float>, V128Ops<float>>(x.As<T, float>()).As<float, T>()
            : Log1pCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>log(1 + x) per lane for x in [0, 2] (as e = exp(-|u|) is, and a sum of two); other x: NaN or inexact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log1pUnit<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? Log1pUnitF<Vector256<float>, V256Ops<float>>(x.As<T, float>()).As<float, T>()
            : Log1pCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>log(1 + x) per lane for x in [0, 2] (as e = exp(-|u|) is, and a sum of two); other x: NaN or inexact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log1pUnit<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? Log1pUnitF<Vector512<float>, V512Ops<float>>(x.As<T, float>()).As<float, T>()
            : Log1pCore<Vector512<T>, T, V512Ops<T>>(x);

    // u = fl(1 + x); log1p(x) = log(u) - ((u - 1) - x) / u: the quotient corrects, to first order, the
    // rounding of 1 + x. The correction is dropped where it is NaN (u = 0: x = -1; u = inf; x NaN),
    // and |x| below half an ulp of 1 returns x itself (which also keeps the sign of -0).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Log1pCore<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        TV one = O.C(1.0);
        TV u = O.Add(one, x);
        TV c = O.Div(O.Sub(O.Sub(u, one), x), u);
        c = O.Select(O.Eq(c, c), c, O.C(0.0));
        TV r = O.Sub(O.Log(u), c);
        TV tiny = O.C(typeof(T) == typeof(float) ? 2.9802322387695312e-8 /* 2^-25 */ : 5.5511151231257827e-17 /* 2^-54 */);
        return O.Select(O.Lt(O.Abs(x), tiny), x, r);
    }

    // ---- Expm1 ----

    /// <summary>e^x - 1, accurate for small |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Expm1<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>((float)Expm1Core<double, double, ScalarOps<double>>(Unsafe.BitCast<T, float>(x)));
        return Expm1Core<T, T, ScalarOps<T>>(x);
    }

    /// <summary>e^x - 1 per lane, accurate for small |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Expm1<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Expm1Core<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>e^x - 1 per lane, accurate for small |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Expm1<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Expm1Core<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>e^x - 1 per lane, accurate for small |x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Expm1<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Expm1Core<Vector512<T>, T, V512Ops<T>>(x);

    // x = k ln2 + r (see ExpReduce), p = e^r - 1;
    // e^x - 1 = 2^k p + (2^k - 1), or (p + 1) 2^(k-1) 2 for large k (which also overflows correctly).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Expm1Core<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        bool f = typeof(T) == typeof(float);
        TV one = O.C(1.0);
        TV xc = O.Min(O.Max(x, O.C(f ? -30.0 : -60.0)), O.C(f ? 89.0 : 710.0));
        TV p = ExpReduce<TV, T, O>(xc, out TV k);
        TV limit = O.C(f ? 30.0 : 60.0);
        TV twoK = O.Pow2(O.Min(k, limit));
        TV small = O.Add(O.Mul(twoK, p), O.Sub(twoK, one));
        TV big = O.Mul(O.Mul(O.Add(p, one), O.Pow2(O.Sub(k, one))), O.C(2.0));
        TV result = O.Select(O.Gt(k, limit), big, small);
        TV tiny = O.C(f ? 2.9802322387695312e-8 /* 2^-25 */ : 5.5511151231257827e-17 /* 2^-54 */);
        result = O.Select(O.Lt(O.Abs(x), tiny), x, result);
        return O.Select(O.IsNaN(x), x, result);
    }

    private readonly struct Log1pKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => Log1pCore<TV, double, O>(x);
    }

    // Reduction shared by Exp and Expm1: x = k ln2 + r, |r| <= ln2/2 (Cody-Waite: k * ln2Hi is exact);
    // returns p = e^r - 1 = r + r^2 P(r) (Taylor, degree 8 for float, 13 for double: truncation < 0.1 ulp).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpReduce<TV, T, O>(TV x, out TV k)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        bool f = typeof(T) == typeof(float);
        k = O.Round(O.Mul(x, O.C(1.44269504088896338700)));
        TV r;
        TV q;
        if (f)
        {
            r = O.Sub(O.Sub(x, O.Mul(k, O.C(0.693359375))), O.Mul(k, O.C(-2.12194440e-4)));
            q = O.Mad(O.C(1.0 / 40320), r, O.C(1.0 / 5040));
            q = O.Mad(q, r, O.C(1.0 / 720));
            q = O.Mad(q, r, O.C(1.0 / 120));
            q = O.Mad(q, r, O.C(1.0 / 24));
            q = O.Mad(q, r, O.C(1.0 / 6));
            q = O.Mad(q, r, O.C(0.5));
        }
        else
        {
            r = O.Sub(O.Sub(x, O.Mul(k, O.C(6.93147180369123816490e-01))), O.Mul(k, O.C(1.90821492927058770002e-10)));
            q = O.Mad(O.C(1.0 / 6227020800.0), r, O.C(1.0 / 479001600.0));
            q = O.Mad(q, r, O.C(1.0 / 39916800.0));
            q = O.Mad(q, r, O.C(1.0 / 3628800.0));
            q = O.Mad(q, r, O.C(1.0 / 362880.0));
            q = O.Mad(q, r, O.C(1.0 / 40320.0));
            q = O.Mad(q, r, O.C(1.0 / 5040.0));
            q = O.Mad(q, r, O.C(1.0 / 720.0));
            q = O.Mad(q, r, O.C(1.0 / 120.0));
            q = O.Mad(q, r, O.C(1.0 / 24.0));
            q = O.Mad(q, r, O.C(1.0 / 6.0));
            q = O.Mad(q, r, O.C(0.5));
        }
        TV p = O.Add(r, O.Mul(O.Mul(r, r), q));
        return p;
    }
}
