using System.Numerics;
using System.Runtime.CompilerServices;

namespace LossDsl;

// A quotient by a power of two is the product by its reciprocal, bit for bit: both are the one rounding of the same real
// number (a scaling by 2^k), overflow and subnormal results included, as long as 1 / d is itself a normal number. A
// generated kernel tests its per-call divisors (smooth_l1's beta) once per call and then multiplies, where a division
// costs several times a multiplication.
public static partial class LossMath
{
    /// <summary>Whether x / <paramref name="d"/> equals x * (1 / <paramref name="d"/>) for every x: d is a power of two, of either sign, whose reciprocal is a normal number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsExactReciprocal<T>(T d) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        T.IsNormal(d) && T.IsPow2(T.Abs(d)) && T.IsNormal(T.One / d);
}
