using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace LossDsl;

// The adjoint applied to a gradient a row function's fused method wrote unscaled (see the generator's RowFunctionPass).
public static partial class ElementLoops
{
    /// <summary>
    /// Multiplies <paramref name="values"/> by <paramref name="factor"/> in place; a factor of 0 clears them (an adjoint
    /// of 0 leaves no NaN of an infinite value's gradient, as a gradient method that adds nothing for it).
    /// </summary>
    public static void Scale<T>(Span<T> values, T factor) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (factor == T.Zero) values.Clear();
        else if (factor != T.One) TensorPrimitives.Multiply(values, factor, values);
    }
}
