using System.Runtime.CompilerServices;

namespace LossDsl;

// Double-only vector kernels: log, computed in the lanes and inlined, at every width (the lane ops' Log). It replaces
// the BCL's Vector128/256/512.Log for double, which is out of line: every vector live across the call is spilled, and
// on AMD Zen 4 a Vector512 reloaded from a stack slot that is not 64-byte aligned stalls (see ElementLoops.SumFrom512),
// so LossMath.Log over Vector512<double> took 9.7 ns per vector in some processes and 33 ns in the others; LogD
// 11.6-12.0 ns in every process, and 8.7-8.9 ns per Vector256 on AVX2 against the BCL's 8.4-8.6. Its error, at most
// 0.74 ulp over the test sweep against the BCL's 2.29 (LossMathAccuracyTests), is fdlibm's.
public static partial class LossMath
{
    // ---- log x ----
    // fdlibm's __ieee754_log in lanes. Subnormal x is scaled by 2^54 first; x = m 2^k with m in [sqrt(2)/2, sqrt(2))
    // (Decompose's m in [0.75, 1.5), halved above sqrt(2): exact), f = m - 1 exactly, s = f / (2 + f) (|s| <= 0.1716),
    // log(1 + f) = f - hfsq + s (hfsq + R), hfsq = f^2/2, R = fdlibm's minimax Lg1 z + ... + Lg7 z^7 in z = s^2 (error
    // below 2^-58.45); then k ln2 with ln2 = L2U + L2L (L2U of 32 bits, so k L2U is exact), L2L added with the small terms.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV LogD<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV sub = O.Lt(x, O.C(2.2250738585072014e-308));
        TV xs = O.Select(sub, O.Mul(x, O.C(18014398509481984.0)), x); // 2^54
        TV m = O.Decompose(xs, out TV k);
        k = O.Sub(k, O.And(sub, O.C(54.0)));
        TV high = O.Gt(m, O.C(1.4142135623730951));
        m = O.Select(high, O.Mul(m, O.C(0.5)), m);
        k = O.Add(k, O.And(high, O.C(1.0)));
        TV f = O.Sub(m, O.C(1.0));
        TV s = O.Div(f, O.Add(O.C(2.0), f));
        TV z = O.Mul(s, s);
        TV w = O.Mul(z, z);
        TV t1 = O.Mul(w, O.Mad(w, O.Mad(w, O.C(1.531383769920937332e-01), O.C(2.222219843214978396e-01)), O.C(3.999999999940941908e-01)));
        TV t2 = O.Mul(z, O.Mad(w, O.Mad(w, O.Mad(w, O.C(1.479819860511658591e-01), O.C(1.818357216161805012e-01)), O.C(2.857142874366239149e-01)), O.C(6.666666666666735130e-01)));
        TV R = O.Add(t2, t1);
        TV hfsq = O.Mul(O.Mul(O.C(0.5), f), f);
        TV t = O.Mad(s, O.Add(hfsq, R), O.Mul(k, O.C(1.90821492927058770002e-10)));
        t = O.Sub(t, hfsq);
        t = O.Add(t, f);
        TV r = O.Mad(k, O.C(6.93147180369123816490e-01), t);
        r = O.Select(O.Eq(x, O.C(double.PositiveInfinity)), x, r);
        r = O.Select(O.Eq(x, O.C(0.0)), O.C(double.NegativeInfinity), r);
        return O.Select(O.Ge(x, O.C(0.0)), r, O.C(double.NaN));
    }
}
