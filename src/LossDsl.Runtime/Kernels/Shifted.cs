using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

/// <summary>
/// e^x for an argument shifted by its row's maximum, x = b - max(b) &lt;= 0 (or NaN): the exponentials of the online
/// log-sum-exp (<see cref="ElementLoops.LogSumExp{TMax, TSum, T}"/>), which the generator calls in place of
/// <see cref="LossMath.Exp{T}(T)"/> for the summands of logsumexp, softmax and log_softmax.
/// </summary>
/// <remarks>
/// In float lanes the argument needs no clamp above and no two-factor scaling: e^x for x in [-87, 0] is computed as
/// <c>LossMath.Exp</c>'s float kernel computes it (the same reduction and polynomial, so the same value there), a
/// result below e^-87 (1.6e-38, where it would be subnormal) is 0, and NaN stays NaN. That is about 40% fewer
/// instructions per vector. Double lanes and scalars are <c>LossMath.Exp</c>'s. An argument above 0 is not a shifted
/// one and gets no guarantee.
/// </remarks>
public static class Shifted
{
    /// <summary>e^x, x &lt;= 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Exp(x);

    /// <summary>e^x per lane, x &lt;= 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? ExpF<Vector128<float>, V128Ops<float>>(x.As<T, float>()).As<float, T>() : LossMath.Exp(x);

    /// <summary>e^x per lane, x &lt;= 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? ExpF<Vector256<float>, V256Ops<float>>(x.As<T, float>()).As<float, T>() : LossMath.Exp(x);

    /// <summary>e^x per lane, x &lt;= 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? ExpF<Vector512<float>, V512Ops<float>>(x.As<T, float>()).As<float, T>() : LossMath.Exp(x);

    // x = k ln2 + r as in LossMath.ExpF (k L2U exact for |k| <= 126, Sterbenz), e^r = 1 + r + r^2 P(r), then one
    // factor 2^k, normal for x >= -87; below, and for -inf, the lane is cleared (k is meaningless there).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpF<TV, O>(TV x) where O : ILaneOps<TV, float>
    {
        TV k = O.Round(O.Mul(x, O.C(1.4426950408889634)));
        TV r = O.Mad(k, O.C(-0.693145751953125), x);
        r = O.Mad(k, O.C(-1.428606765330187045e-06), r);
        TV u = O.C(0.000198527617612853646278381);
        u = O.Mad(u, r, O.C(0.00139304355252534151077271));
        u = O.Mad(u, r, O.C(0.00833336077630519866943359));
        u = O.Mad(u, r, O.C(0.0416664853692054748535156));
        u = O.Mad(u, r, O.C(0.166666671633720397949219));
        u = O.Mad(u, r, O.C(0.5));
        TV p = O.Add(O.C(1.0), O.Mad(O.Mul(r, r), u, r));
        return O.AndNot(O.Mul(p, O.Pow2(k)), O.Lt(x, O.C(-87.0)));
    }
}
