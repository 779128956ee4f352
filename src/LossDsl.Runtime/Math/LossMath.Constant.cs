using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LossDsl;

// Min / Max with one side a constant of the formula (max(x, 0) of a hinge or a softplus, a clamp's bounds): the same
// results as Min / Max, bit for bit (NaN propagates, -0 < +0), in one or two instructions where the general case takes
// about seven. x86's maxps(a, b) / minps(a, b) return b when either is NaN, and b when both are zeros: with the
// constant first, a NaN x comes back as itself; a tie of zeros can only come from a zero constant, which MaxZero /
// MinZero settle (min(+0, x) is already right; max(+0, -0) adds +0 to turn -0 into +0). ARM's fmax / fmin are IEEE's
// maximum / minimum as they are. Elsewhere (scalar, no SIMD) the general Min / Max.
public static partial class LossMath
{
    /// <summary>max(x, +0): as <see cref="Max{T}(T, T)"/> with y = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxZero<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Max(x, T.Zero);

    /// <summary>max(x, +0) per lane: as <see cref="Max{T}(Vector128{T}, Vector128{T})"/> with y = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MaxZero<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Sse.IsSupported && typeof(T) == typeof(float))
            return Sse.Add(Sse.Max(Vector128<float>.Zero, x.As<T, float>()), Vector128<float>.Zero).As<float, T>();
        if (Sse2.IsSupported && typeof(T) == typeof(double))
            return Sse2.Add(Sse2.Max(Vector128<double>.Zero, x.As<T, double>()), Vector128<double>.Zero).As<double, T>();
        if (AdvSimd.IsSupported && typeof(T) == typeof(float))
            return AdvSimd.Max(x.As<T, float>(), Vector128<float>.Zero).As<float, T>();
        if (AdvSimd.Arm64.IsSupported && typeof(T) == typeof(double))
            return AdvSimd.Arm64.Max(x.As<T, double>(), Vector128<double>.Zero).As<double, T>();
        return Max(x, Vector128<T>.Zero);
    }

    /// <summary>max(x, +0) per lane: as <see cref="Max{T}(Vector256{T}, Vector256{T})"/> with y = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MaxZero<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
            return Avx.Add(Avx.Max(Vector256<float>.Zero, x.As<T, float>()), Vector256<float>.Zero).As<float, T>();
        if (Avx.IsSupported && typeof(T) == typeof(double))
            return Avx.Add(Avx.Max(Vector256<double>.Zero, x.As<T, double>()), Vector256<double>.Zero).As<double, T>();
        return Max(x, Vector256<T>.Zero);
    }

    /// <summary>max(x, +0) per lane: as <see cref="Max{T}(Vector512{T}, Vector512{T})"/> with y = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MaxZero<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx512F.IsSupported && typeof(T) == typeof(float))
            return Avx512F.Add(Avx512F.Max(Vector512<float>.Zero, x.As<T, float>()), Vector512<float>.Zero).As<float, T>();
        if (Avx512F.IsSupported && typeof(T) == typeof(double))
            return Avx512F.Add(Avx512F.Max(Vector512<double>.Zero, x.As<T, double>()), Vector512<double>.Zero).As<double, T>();
        return Max(x, Vector512<T>.Zero);
    }

    /// <summary>min(x, +0): as <see cref="Min{T}(T, T)"/> with y = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MinZero<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Min(x, T.Zero);

    /// <summary>min(x, +0) per lane: as <see cref="Min{T}(Vector128{T}, Vector128{T})"/> with y = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MinZero<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MinConstant(x, Vector128<T>.Zero); // minps(+0, -0) = -0: no tie to settle

    /// <summary>min(x, +0) per lane: as <see cref="Min{T}(Vector256{T}, Vector256{T})"/> with y = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MinZero<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MinConstant(x, Vector256<T>.Zero);

    /// <summary>min(x, +0) per lane: as <see cref="Min{T}(Vector512{T}, Vector512{T})"/> with y = +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MinZero<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MinConstant(x, Vector512<T>.Zero);

    /// <summary>max(x, c) for a constant <paramref name="c"/> that is neither NaN nor a zero (see <see cref="MaxZero{T}(T)"/>): as <see cref="Max{T}(T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxConstant<T>(T x, T c) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Max(x, c);

    /// <summary>max(x, c) per lane for a constant <paramref name="c"/> that is neither NaN nor a zero (see <see cref="MaxZero{T}(Vector128{T})"/>): as <see cref="Max{T}(Vector128{T}, Vector128{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MaxConstant<T>(Vector128<T> x, Vector128<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Sse.IsSupported && typeof(T) == typeof(float)) return Sse.Max(c.As<T, float>(), x.As<T, float>()).As<float, T>();
        if (Sse2.IsSupported && typeof(T) == typeof(double)) return Sse2.Max(c.As<T, double>(), x.As<T, double>()).As<double, T>();
        if (AdvSimd.IsSupported && typeof(T) == typeof(float)) return AdvSimd.Max(x.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (AdvSimd.Arm64.IsSupported && typeof(T) == typeof(double)) return AdvSimd.Arm64.Max(x.As<T, double>(), c.As<T, double>()).As<double, T>();
        return Max(x, c);
    }

    /// <summary>max(x, c) per lane for a constant <paramref name="c"/> that is neither NaN nor a zero (see <see cref="MaxZero{T}(Vector256{T})"/>): as <see cref="Max{T}(Vector256{T}, Vector256{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MaxConstant<T>(Vector256<T> x, Vector256<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx.IsSupported && typeof(T) == typeof(float)) return Avx.Max(c.As<T, float>(), x.As<T, float>()).As<float, T>();
        if (Avx.IsSupported && typeof(T) == typeof(double)) return Avx.Max(c.As<T, double>(), x.As<T, double>()).As<double, T>();
        return Max(x, c);
    }

    /// <summary>max(x, c) per lane for a constant <paramref name="c"/> that is neither NaN nor a zero (see <see cref="MaxZero{T}(Vector512{T})"/>): as <see cref="Max{T}(Vector512{T}, Vector512{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MaxConstant<T>(Vector512<T> x, Vector512<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx512F.IsSupported && typeof(T) == typeof(float)) return Avx512F.Max(c.As<T, float>(), x.As<T, float>()).As<float, T>();
        if (Avx512F.IsSupported && typeof(T) == typeof(double)) return Avx512F.Max(c.As<T, double>(), x.As<T, double>()).As<double, T>();
        return Max(x, c);
    }

    /// <summary>min(x, c) for a constant <paramref name="c"/> that is not NaN (a +0 too; see <see cref="MinZero{T}(T)"/>): as <see cref="Min{T}(T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MinConstant<T>(T x, T c) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Min(x, c);

    /// <summary>min(x, c) per lane for a constant <paramref name="c"/> that is neither NaN nor -0 (+0 is fine): as <see cref="Min{T}(Vector128{T}, Vector128{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MinConstant<T>(Vector128<T> x, Vector128<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Sse.IsSupported && typeof(T) == typeof(float)) return Sse.Min(c.As<T, float>(), x.As<T, float>()).As<float, T>();
        if (Sse2.IsSupported && typeof(T) == typeof(double)) return Sse2.Min(c.As<T, double>(), x.As<T, double>()).As<double, T>();
        if (AdvSimd.IsSupported && typeof(T) == typeof(float)) return AdvSimd.Min(x.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (AdvSimd.Arm64.IsSupported && typeof(T) == typeof(double)) return AdvSimd.Arm64.Min(x.As<T, double>(), c.As<T, double>()).As<double, T>();
        return Min(x, c);
    }

    /// <summary>min(x, c) per lane for a constant <paramref name="c"/> that is neither NaN nor -0 (+0 is fine): as <see cref="Min{T}(Vector256{T}, Vector256{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MinConstant<T>(Vector256<T> x, Vector256<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx.IsSupported && typeof(T) == typeof(float)) return Avx.Min(c.As<T, float>(), x.As<T, float>()).As<float, T>();
        if (Avx.IsSupported && typeof(T) == typeof(double)) return Avx.Min(c.As<T, double>(), x.As<T, double>()).As<double, T>();
        return Min(x, c);
    }

    /// <summary>min(x, c) per lane for a constant <paramref name="c"/> that is neither NaN nor -0 (+0 is fine): as <see cref="Min{T}(Vector512{T}, Vector512{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MinConstant<T>(Vector512<T> x, Vector512<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx512F.IsSupported && typeof(T) == typeof(float)) return Avx512F.Min(c.As<T, float>(), x.As<T, float>()).As<float, T>();
        if (Avx512F.IsSupported && typeof(T) == typeof(double)) return Avx512F.Min(c.As<T, double>(), x.As<T, double>()).As<double, T>();
        return Min(x, c);
    }
}
