using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LossDsl;

// Sums of probabilities held as logs, without overflow and without NaN from -inf - -inf. With hi the largest of the
// terms (PyTorch's "lamax"), mid and lo the others, log(e^a + e^b + e^c) = hi + log1p(e^(mid-hi) + e^(lo-hi)): the same
// sum as PyTorch's log(e^(a-hi) + e^(b-hi) + e^(c-hi)) + hi, whose largest exponential is exactly 1, with one exp fewer
// and log1p keeping the low bits that 1 + small would round away. When every term is -inf (no path) the result is -inf.
// A term more than 87 below the largest is dropped (ExpOrZero): e^-87 ~ 1.6e-38 is below half an ulp of PyTorch's
// 1 + e^(x - hi) in float and double alike, so PyTorch drops it too; and the exponentials never see an argument below
// -87, which keeps LossMath's vector float exp on its fast path (it branches out for |x| > 87, and -inf terms are
// frequent: disallowed skips and unreachable states).
public static partial class Ctc
{
    /// <summary>Exponents below this give 0 (see <see cref="ExpOrZero{TV, T, O}"/>): e^-87 ~ 1.6e-38 vanishes beside 1 in float and double.</summary>
    private const double ExpFloor = -87.0;

    /// <summary>e^x per lane for x &gt;= ExpFloor, else 0 (also for x = -inf); NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpOrZero<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where O : ILaneOps<TV, T>
    {
        TV floor = O.C(ExpFloor);
        // The max only lifts the lanes the select discards (a NaN lane stays NaN).
        return O.Select(O.Lt(x, floor), O.C(0.0), O.Exp(O.MaxConstant(x, floor)));
    }

    /// <summary>
    /// <see cref="ExpOrZero{TV, T, O}"/> for x &lt;= 0 (a term less the largest): the floored argument is in [-87, 0],
    /// where the bounded exp gives the same bits in fewer instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpOrZeroBelow<TV, T, O, L>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where O : ILaneOps<TV, T>
        where L : ILaneLoad<TV, T>
    {
        TV floor = O.C(ExpFloor);
        return O.Select(O.Lt(x, floor), O.C(0.0), L.ExpBounded(O.MaxConstant(x, floor)));
    }

    /// <summary>log(e^a + e^b + e^c) per lane; -inf when all three are -inf; NaN propagates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LogSumExp3<TV, T, O, L>(TV a, TV b, TV c)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where O : ILaneOps<TV, T>
        where L : ILaneLoad<TV, T>
    {
        TV negInf = O.C(double.NegativeInfinity);
        // IEEE maximum, so a NaN term reaches the shift (and the result) even where the others are -inf.
        TV hi = O.Max(a, O.Max(b, c));
        TV lo = O.MinNative(a, O.MinNative(b, c));
        TV mid = O.MaxNative(O.MinNative(a, b), O.MinNative(O.MaxNative(a, b), c)); // the median
        TV empty = O.Eq(hi, negInf);
        TV shift = O.Select(empty, O.C(0.0), hi); // PyTorch: "cannot do neginf-neginf"
        TV rest = O.Add(ExpOrZeroBelow<TV, T, O, L>(O.Sub(mid, shift)), ExpOrZeroBelow<TV, T, O, L>(O.Sub(lo, shift)));
        return O.Select(empty, negInf, O.Add(L.Log1pUnit(rest), shift)); // rest is in [0, 2]
    }

    /// <summary>
    /// log p(l | x) from the log-alpha row of the last frame (eq. 8 of Graves et al.): the paths end in the last label
    /// or in the final blank, log(alpha[T-1, 2S] + alpha[T-1, 2S-1]); with no labels only the blank state exists.
    /// </summary>
    private static T FinalLogLikelihood<T>(ReadOnlySpan<T> lastRow, in Lattice lattice)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int last = Pad + lattice.States - 1;
        if (lattice.Labels == 0) return lastRow[last];
        T l1 = lastRow[last], l2 = lastRow[last - 1];
        T hi = T.Max(l1, l2);
        if (hi == T.NegativeInfinity) return hi;
        return hi + LossMath.Log1p(LossMath.Exp(T.Min(l1, l2) - hi));
    }
}
