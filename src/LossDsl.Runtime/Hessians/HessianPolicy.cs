using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

/// <summary>What a <see cref="HessianPolicy"/> does to each element's second derivative.</summary>
public enum HessianPolicyKind
{
    /// <summary>The loss's declared policy (its <c>hessian</c> clause), or <see cref="AsDerived"/> when it declares none.</summary>
    Default,
    /// <summary>The exact second derivative, as differentiated: zero almost everywhere for L1, pinball and hinge losses,
    /// negative in places for non-convex ones (Cauchy, Tukey).</summary>
    AsDerived,
    /// <summary>max(d²ℓ/dx², floor): a Newton step never divides by zero or a negative curvature.</summary>
    Clamped,
    /// <summary>A fixed curvature for every element: the Newton step becomes a gradient step (what LightGBM and XGBoost
    /// do for L1 and quantile objectives, Hessian 1).</summary>
    Constant,
}

/// <summary>
/// How <c>GradientHessian</c> reports each element's second derivative d²ℓ/dx², for Newton steps (gradient boosting's
/// leaf values are -Σg / Σh). The policy applies to the element's own second derivative, before the weight, the
/// upstream gradient and the mean's 1/n scale it like the gradient: a clamped or constant Hessian is still weighted.
/// <list type="bullet">
/// <item><see cref="AsDerived"/>: the exact diagonal, what a conformance check or a trust-region method wants.</item>
/// <item><see cref="ClampedTo"/>: L1, pinball, hinge and Huber's linear part have d²ℓ/dx² = 0 almost everywhere, so the
/// leaf's Σh is zero (an infinite step); Cauchy, Tukey and other redescending losses have a negative one (a step uphill).
/// A small positive floor keeps the exact curvature where it is usable and makes the rest a long, but finite, step.</item>
/// <item><see cref="Constant"/>: ignore the curvature, h = value (1 is the usual choice): boosting with L1 or quantile
/// losses then fits the gradient's sign, as LightGBM's and XGBoost's built-in objectives do.</item>
/// </list>
/// <c>default(HessianPolicy)</c> is <see cref="HessianPolicyKind.Default"/>: the loss's declared clause
/// (<c>hessian clamp 1e-6</c>, <c>hessian constant 1</c>), else as derived.
/// </summary>
public readonly record struct HessianPolicy
{
    private HessianPolicy(HessianPolicyKind kind, double value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>What the policy does.</summary>
    public HessianPolicyKind Kind { get; }

    /// <summary>The floor of <see cref="HessianPolicyKind.Clamped"/>, the value of <see cref="HessianPolicyKind.Constant"/>; otherwise 0.</summary>
    public double Value { get; }

    /// <summary>The exact second derivative.</summary>
    public static HessianPolicy AsDerived => new(HessianPolicyKind.AsDerived, 0);

    /// <summary>max(d²ℓ/dx², <paramref name="floor"/>); the floor must be finite and not negative.</summary>
    public static HessianPolicy ClampedTo(double floor)
    {
        if (!double.IsFinite(floor) || floor < 0) throw new ArgumentOutOfRangeException(nameof(floor), floor, "A Hessian floor must be finite and not negative.");
        return new(HessianPolicyKind.Clamped, floor);
    }

    /// <summary><paramref name="value"/> for every element; it must be finite and positive.</summary>
    public static HessianPolicy Constant(double value)
    {
        if (!double.IsFinite(value) || value <= 0) throw new ArgumentOutOfRangeException(nameof(value), value, "A constant Hessian must be finite and positive.");
        return new(HessianPolicyKind.Constant, value);
    }

    /// <summary>This policy, or <paramref name="declared"/> when this is <see cref="HessianPolicyKind.Default"/>.</summary>
    public HessianPolicy Or(HessianPolicy declared) => Kind == HessianPolicyKind.Default ? declared : this;

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        HessianPolicyKind.Clamped => $"ClampedTo({Value})",
        HessianPolicyKind.Constant => $"Constant({Value})",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// A <see cref="HessianPolicy"/> resolved for a kernel in <typeparamref name="T"/>: applied to a scalar or a vector of
/// second derivatives. Generated <c>GradientHessian</c> kernels hold one; users do not need it.
/// </summary>
public readonly struct HessianTransform<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly HessianPolicyKind _kind;
    private readonly T _value;

    /// <summary>Resolves <paramref name="policy"/> (a <see cref="HessianPolicyKind.Default"/> one must be resolved first, <see cref="HessianPolicy.Or"/>).</summary>
    public HessianTransform(HessianPolicy policy)
    {
        _kind = policy.Kind == HessianPolicyKind.Default ? HessianPolicyKind.AsDerived : policy.Kind;
        _value = T.CreateTruncating(policy.Value);
    }

    /// <summary>The policy applied to one second derivative (a NaN stays NaN under a clamp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Apply(T h) => _kind switch
    {
        HessianPolicyKind.Clamped => h < _value ? _value : h,
        HessianPolicyKind.Constant => _value,
        _ => h,
    };

    /// <summary>The policy applied lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<T> Apply(Vector128<T> h) => _kind switch
    {
        HessianPolicyKind.Clamped => Vector128.ConditionalSelect(Vector128.LessThan(h, Vector128.Create(_value)), Vector128.Create(_value), h),
        HessianPolicyKind.Constant => Vector128.Create(_value),
        _ => h,
    };

    /// <summary>The policy applied lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Apply(Vector256<T> h) => _kind switch
    {
        HessianPolicyKind.Clamped => Vector256.ConditionalSelect(Vector256.LessThan(h, Vector256.Create(_value)), Vector256.Create(_value), h),
        HessianPolicyKind.Constant => Vector256.Create(_value),
        _ => h,
    };

    /// <summary>The policy applied lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<T> Apply(Vector512<T> h) => _kind switch
    {
        HessianPolicyKind.Clamped => Vector512.ConditionalSelect(Vector512.LessThan(h, Vector512.Create(_value)), Vector512.Create(_value), h),
        HessianPolicyKind.Constant => Vector512.Create(_value),
        _ => h,
    };
}
