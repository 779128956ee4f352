using System.Numerics;
using System.Runtime.Intrinsics;

namespace LossDsl.Runtime.Tests.Math;

// One struct per LossMath function: its four overloads and its reference, so the harness can run
// any function at any width generically.

internal interface IUnaryFn
{
    static abstract string Name { get; }
    static abstract T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    static abstract Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    static abstract Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    static abstract Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    static abstract DD Ref(double x);
}

internal interface IBinaryFn
{
    static abstract string Name { get; }
    static abstract T S<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    static abstract Vector128<T> V128<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    static abstract Vector256<T> V256<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    static abstract Vector512<T> V512<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>;
    static abstract DD Ref(double x, double y);
}

internal readonly struct ExpFn : IUnaryFn
{
    public static string Name => "Exp";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Exp(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Exp(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Exp(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Exp(x);
    public static DD Ref(double x) => Reference.Exp(x);
}

internal readonly struct LogFn : IUnaryFn
{
    public static string Name => "Log";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log(x);
    public static DD Ref(double x) => Reference.Log(x);
}

internal readonly struct SqrtFn : IUnaryFn
{
    public static string Name => "Sqrt";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Sqrt(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Sqrt(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Sqrt(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Sqrt(x);
    public static DD Ref(double x) => Reference.Sqrt(x);
}

internal readonly struct Log1pFn : IUnaryFn
{
    public static string Name => "Log1p";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log1p(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log1p(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log1p(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log1p(x);
    public static DD Ref(double x) => Reference.Log1p(x);
}

internal readonly struct Expm1Fn : IUnaryFn
{
    public static string Name => "Expm1";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Expm1(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Expm1(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Expm1(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Expm1(x);
    public static DD Ref(double x) => Reference.Expm1(x);
}

internal readonly struct TanhFn : IUnaryFn
{
    public static string Name => "Tanh";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Tanh(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Tanh(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Tanh(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Tanh(x);
    public static DD Ref(double x) => Reference.Tanh(x);
}

internal readonly struct CoshFn : IUnaryFn
{
    public static string Name => "Cosh";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Cosh(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Cosh(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Cosh(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Cosh(x);
    public static DD Ref(double x) => Reference.Cosh(x);
}

internal readonly struct AtanFn : IUnaryFn
{
    public static string Name => "Atan";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Atan(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Atan(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Atan(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Atan(x);
    public static DD Ref(double x) => Reference.Atan(x);
}

internal readonly struct PowFn : IBinaryFn
{
    public static string Name => "Pow";
    public static T S<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Pow(x, y);
    public static Vector128<T> V128<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Pow(x, y);
    public static Vector256<T> V256<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Pow(x, y);
    public static Vector512<T> V512<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Pow(x, y);
    public static DD Ref(double x, double y) => Reference.Pow(x, y);
}

internal readonly struct MinFn : IBinaryFn
{
    public static string Name => "Min";
    public static T S<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Min(x, y);
    public static Vector128<T> V128<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Min(x, y);
    public static Vector256<T> V256<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Min(x, y);
    public static Vector512<T> V512<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Min(x, y);
    public static DD Ref(double x, double y) => System.Math.Min(x, y);
}

internal readonly struct MaxFn : IBinaryFn
{
    public static string Name => "Max";
    public static T S<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Max(x, y);
    public static Vector128<T> V128<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Max(x, y);
    public static Vector256<T> V256<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Max(x, y);
    public static Vector512<T> V512<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Max(x, y);
    public static DD Ref(double x, double y) => System.Math.Max(x, y);
}

internal readonly struct ExpBoundedFn : IUnaryFn
{
    public static string Name => "ExpBounded";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.ExpBounded(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.ExpBounded(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.ExpBounded(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.ExpBounded(x);
    public static DD Ref(double x) => Reference.Exp(x);
}

internal readonly struct Log1pUnitFn : IUnaryFn
{
    public static string Name => "Log1pUnit";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log1pUnit(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log1pUnit(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log1pUnit(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Log1pUnit(x);
    public static DD Ref(double x) => Reference.Log1p(x);
}
