using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// A select with +0 on one side (if c then u else 0, a hinge's subgradient): the mask itself keeps or clears the lanes, one
// and / andn where a blend needs its mask, both values and, without AVX, the mask moved to xmm0. The same bits as Select.
public static partial class LossMath
{
    /// <summary>mask ? a : +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SelectOrZero<T>(bool mask, T a) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => mask ? a : T.Zero;

    /// <summary>Per lane: mask ? a : +0 (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> SelectOrZero<T>(Vector128<T> mask, Vector128<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => mask & a;

    /// <summary>Per lane: mask ? a : +0 (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> SelectOrZero<T>(Vector256<T> mask, Vector256<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => mask & a;

    /// <summary>Per lane: mask ? a : +0 (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> SelectOrZero<T>(Vector512<T> mask, Vector512<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => mask & a;

    /// <summary>mask ? +0 : b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ZeroOrSelect<T>(bool mask, T b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => mask ? T.Zero : b;

    /// <summary>Per lane: mask ? +0 : b (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ZeroOrSelect<T>(Vector128<T> mask, Vector128<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector128.AndNot(b, mask);

    /// <summary>Per lane: mask ? +0 : b (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ZeroOrSelect<T>(Vector256<T> mask, Vector256<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.AndNot(b, mask);

    /// <summary>Per lane: mask ? +0 : b (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ZeroOrSelect<T>(Vector512<T> mask, Vector512<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.AndNot(b, mask);
}
