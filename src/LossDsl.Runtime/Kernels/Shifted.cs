using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LossDsl;

/// <summary>
/// e^x for an argument shifted by its row's maximum, x = b - max(b) &lt;= 0 (or NaN): the exponentials of the online
/// log-sum-exp (<see cref="ElementLoops.LogSumExp{TMax, TSum, T}"/>), which the generator calls in place of
/// <see cref="LossMath.Exp{T}(T)"/> for the summands of logsumexp, softmax and log_softmax.
/// </summary>
/// <remarks>
/// In float lanes the argument needs no clamp above and no two-factor scaling, so e^x takes 15 vector instructions
/// (LossMath.Exp's float kernel: 19): the same reduction x = k ln2 + r, a polynomial of degree 6 for e^r (within 0.6
/// ulp; LossMath.Exp's has degree 7 and rounds differently by at most an ulp), and one factor 2^k whose exponent
/// bits are those of the number that rounded k. A result below e^-87.3 (1.2e-38, the smallest normal float) may be
/// subnormal or 0; e^-inf is 0 and NaN stays NaN. Double lanes and scalars are <c>LossMath.Exp</c>'s. An argument
/// above 0 is not a shifted one and gets no guarantee.
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

    // x is raised to -88 (max(-88, x) in that order keeps a NaN: the hardware max returns its second operand when
    // either is NaN), so -inf needs no test of its own. k = round(x log2(e)) is rounded by adding the shifter
    // 1.5 2^23 + 127: the sum's low mantissa bits are then k + 127, the biased exponent of 2^k, and shifted left by 23
    // they are 2^k (0 for k = -127, i.e. x < -87.7; NaN bits shift to 0, and NaN * 0 is NaN). r = x - k ln2 in two
    // steps (k L2U exact for |k| <= 127), |r| <= ln2/2, and e^r = 1 + r (1 + r (c2 + r (c3 + ... + r c6))), Horner's
    // scheme: minimax coefficients for the relative error (3e-9) with the leading 1 + r exact.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpF<TV, O>(TV x) where O : ILaneOps<TV, float>
    {
        TV shifter = O.C(12582912.0 + 127.0);
        x = O.MaxNative(O.C(-88.0), x);
        TV t = O.Mad(x, O.C(1.4426950408889634), shifter);
        TV k = O.Sub(t, shifter);
        TV r = O.Mad(k, O.C(-0.693145751953125), x);
        r = O.Mad(k, O.C(-1.428606765330187045e-06), r);
        TV u;
        if (Fma.IsSupported || AdvSimd.IsSupported)
        {
            u = O.Mad(O.C(0.0013814318226650357), r, O.C(0.008368851616978645));
            u = O.Mad(u, r, O.C(0.041668400168418884));
            u = O.Mad(u, r, O.C(0.1666651964187622));
            u = O.Mad(u, r, O.C(0.4999999403953552));
            u = O.Mad(u, r, O.C(1.0));
            u = O.Mad(u, r, O.C(1.0));
        }
        else
        {
            // Without fused multiply-adds each step is a multiply and an add: Estrin's scheme, r + r^2 (c2 + c3 r)
            // + r^4 (c4 + c5 r + c6 r^2), then + 1, is four steps deep instead of six (within 0.8 ulp).
            TV r2 = O.Mul(r, r);
            TV low = O.Mad(O.C(0.1666651964187622), r, O.C(0.4999999403953552));
            TV high = O.Mad(O.C(0.008368851616978645), r, O.C(0.041668400168418884));
            high = O.Mad(O.C(0.0013814318226650357), r2, high);
            u = O.Add(O.Mad(O.Mul(r2, r2), high, O.Mad(r2, low, r)), O.C(1.0));
        }
        return O.Mul(u, O.ExponentBits(t));
    }
}
