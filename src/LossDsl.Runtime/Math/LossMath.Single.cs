using System.Runtime.CompilerServices;

namespace LossDsl;

// Float-only vector kernels: exp, log and log1p computed in float lanes
// (no widening to double), with fused multiply-adds where the hardware has them (O.Mad). Every step that must
// be exact is exact whether or not Mad is fused (Cody-Waite constants with few bits, Sterbenz subtractions),
// so the bounds hold on every SIMD path. Measured over the test sweep and a dense scan of all floats: see
// the accuracy tests (each test name states its bound).
public static partial class LossMath
{
    // ---- e^x ----
    // x = k ln2 + r, |r| <= ln2/2, k = round(x log2 e); ln2 = L2U + L2L with L2U of 15 bits, so k L2U is exact
    // (|k| <= 150) and x - k L2U is exact (Sterbenz). e^r = 1 + r + r^2 P(r), P of degree 5 (the minimax of
    // SLEEF's expf). 2^k is applied in two factors 2^(k-j) 2^j, j = round(k/2), so both factors are normal and
    // a subnormal result is rounded once; x is clamped to [-104, 89], beyond which e^x is 0 or inf, by a max and a min
    // that let NaN through (MaxConstant / MinConstant: one instruction each), and NaN stays NaN through the arithmetic.
    // Branch-free: the fast path (|x| <= 87, one factor 2^k) with a call to an out-of-line slow path made the JIT spill
    // every vector live across that call (no vector register survives a call on SysV x64) in every iteration of the
    // kernel's loop, taken or not: BCE-with-logits and focal loss ran 1.2-3x the hand-written loop (issue 15). The two
    // factors are exact where the result is normal, so this is the fast path's result there, bit for bit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpF<TV, O>(TV x) where O : ILaneOps<TV, float>
    {
        TV xc = O.MinConstant(O.MaxConstant(x, O.C(-104.0)), O.C(89.0));
        TV q = ExpReduceF<TV, O>(xc, out TV k);
        TV j = O.Round(O.Mul(k, O.C(0.5)));
        return O.Mul(O.Mul(O.Add(O.C(1.0), q), O.Pow2(O.Sub(k, j))), O.Pow2(j));
    }

    // ---- e^x for x in [-87, 88] ----
    // ExpF with one factor 2^k: there k = round(x log2 e) is in [-126, 127], so 2^k is normal and p 2^k rounds once
    // (only where it is subnormal), as ExpF's two factors do. ExpF's result bit for bit, with no clamps and no second
    // factor; NaN stays NaN. For arguments a caller bounds (a log-sum-exp's differences from its largest term).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpBoundedF<TV, O>(TV x) where O : ILaneOps<TV, float>
        => O.Mul(O.Add(O.C(1.0), ExpReduceF<TV, O>(x, out TV k)), O.Pow2(k));

    // x = k ln2 + r; returns q = e^r - 1. (Short: every operation here counts against the JIT's inlining budget of the
    // kernel loop it ends up in, and a loop over budget calls its lane operations and spills.)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpReduceF<TV, O>(TV x, out TV k) where O : ILaneOps<TV, float>
    {
        k = O.Round(O.Mul(x, O.C(1.4426950408889634)));
        TV r = O.Mad(k, O.C(-0.693145751953125), x);
        r = O.Mad(k, O.C(-1.428606765330187045e-06), r);
        // u = 1/2 + c1 r + .. + c5 r^5 as ((c5 r + c4) r^2 + (c3 r + c2)) r^2 + (c1 r + 1/2): three multiply-adds deep
        // where Horner's rule is five, for kernel loops that wait on this chain (a transcendental loss's float kernel is
        // latency-bound); with one more live vector, not Estrin's three more, which spilled focal loss's AVX2 loop
        TV r2 = O.Mul(r, r);
        TV u = O.Mad(O.Mad(O.C(0.000198527617612853646278381), r, O.C(0.00139304355252534151077271)), r2, O.Mad(O.C(0.00833336077630519866943359), r, O.C(0.0416664853692054748535156)));
        u = O.Mad(u, r2, O.Mad(O.C(0.166666671633720397949219), r, O.C(0.5)));
        return O.Mad(r2, u, r);
    }

    // ---- log(1 + f) + k ln2 for f in about [-0.25, 0.5] (the reduced argument of log and log1p) ----
    // s = f / (2 + f), log(1 + f) = 2 atanh(s) = f - hfsq + s (hfsq + R), hfsq = f^2/2,
    // R = 2/3 s^2 + 2/5 s^4 + ... (Taylor to s^10: |s| <= 0.2, truncation < 1e-9 relative);
    // the sum runs from the small terms to the exact f, then k ln2 (k L2U exact) last.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Log1pReducedF<TV, O>(TV f, TV k) where O : ILaneOps<TV, float>
    {
        TV s = O.Div(f, O.Add(O.C(2.0), f));
        TV z = O.Mul(s, s);
        TV R = O.Mad(O.C(2.0 / 11), z, O.C(2.0 / 9));
        R = O.Mad(R, z, O.C(2.0 / 7));
        R = O.Mad(R, z, O.C(2.0 / 5));
        R = O.Mad(R, z, O.C(2.0 / 3));
        R = O.Mul(R, z);
        TV hfsq = O.Mul(O.Mul(O.C(0.5), f), f);
        TV t = O.Mad(s, O.Add(hfsq, R), O.Mul(k, O.C(1.428606765330187045e-06)));
        t = O.Sub(t, hfsq);
        t = O.Add(t, f);
        return O.Mad(k, O.C(0.693145751953125), t);
    }

    // ---- log x ----
    // Subnormal x is scaled by 2^23 first; x = m 2^k, m in [0.75, 1.5), f = m - 1 exactly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV LogF<TV, O>(TV x) where O : ILaneOps<TV, float>
    {
        // Branch-free: losses take logs of data with zeros (poisson_nll_loss's log(target)), where a fast path
        // that skips the special cases would rarely apply.
        TV sub = O.Lt(x, O.C(1.1754943508222875e-38));
        TV xs = O.Select(sub, O.Mul(x, O.C(8388608.0)), x);
        TV m = O.Decompose(xs, out TV k);
        k = O.Sub(k, O.And(sub, O.C(23.0)));
        TV r = Log1pReducedF<TV, O>(O.Sub(m, O.C(1.0)), k);
        r = O.Select(O.Eq(x, O.C(double.PositiveInfinity)), x, r);
        r = O.Select(O.Eq(x, O.C(0.0)), O.C(double.NegativeInfinity), r);
        return O.Select(O.Ge(x, O.C(0.0)), r, O.C(double.NaN));
    }

    // ---- log(1 + x) for x in [0, 2] ----
    // Log1pF's reduction for those x: k = 0 and f = x below 0.5; k = 1 and f = (x - 1) / 2 in [-0.25, 0.5] (exact: a
    // Sterbenz subtraction, then a halving) from 0.5. Bit for bit Log1pF's result where fl(1 + x) < 3 (Log1pF takes
    // k = 2 from there), without its decomposition of 1 + x, its clamps and its special cases (the callers' x is never
    // negative, infinite or -1; NaN stays NaN).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Log1pUnitF<TV, O>(TV x) where O : ILaneOps<TV, float>
    {
        TV half = O.C(0.5);
        TV upper = O.Ge(x, half);
        TV f = O.Select(upper, O.Mul(O.Sub(x, O.C(1.0)), half), x);
        return Log1pReducedF<TV, O>(f, O.And(upper, O.C(1.0)));
    }

    // ---- log(1 + x) ----
    // k from u = fl(1 + x) (m in [0.75, 1.5)), but k = 0 for x < 0.5, where f = x. For 1 <= |k| <= 24,
    // f = (x - (2^k - 1)) 2^-k is exact (2^k - 1 is a float, and x - (2^k - 1) is a Sterbenz subtraction for
    // the x that give that k), so the rounding of 1 + x never enters; for k > 24 that rounding is below
    // 2^-24 relative to 1 + x, and f = m - 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Log1pF<TV, O>(TV x) where O : ILaneOps<TV, float>
    {
        TV one = O.C(1.0);
        TV u = O.Add(one, x);
        TV m = O.Decompose(u, out TV k);
        k = O.Select(O.Lt(x, O.C(0.5)), O.MinNative(k, O.C(0.0)), k);
        TV kc = O.MaxNative(O.MinNative(k, O.C(24.0)), O.C(-24.0));
        TV fB = O.Mul(O.Sub(x, O.Sub(O.Pow2(kc), one)), O.Pow2(O.Neg(kc)));
        TV f = O.Select(O.Gt(k, O.C(24.0)), O.Sub(m, one), fB);
        TV r = Log1pReducedF<TV, O>(f, k);
        TV inf = O.C(double.PositiveInfinity);
        if (O.AllTrue(O.And(O.Gt(x, O.C(-1.0)), O.Lt(x, inf))))
            return O.Select(O.Eq(x, O.C(0.0)), x, r);   // +-0 keep their sign
        r = O.Select(O.Or(O.Eq(x, O.C(0.0)), O.Eq(x, inf)), x, r);
        r = O.Select(O.Eq(x, O.C(-1.0)), O.Neg(inf), r);
        return O.Select(O.Ge(x, O.C(-1.0)), r, O.C(double.NaN));
    }
}
