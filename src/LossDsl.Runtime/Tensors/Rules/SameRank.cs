using System.Linq;

namespace LossDsl.Tensors;

/// <summary><c>shape same_rank else "message"</c>: every input given has the same number of dimensions (they may still broadcast).</summary>
public sealed class SameRank(string? message = null) : ShapeRule
{
    internal override bool HoldsForOneShape(int rank) => true;

    internal override void Prepare(ShapeContext context)
    {
        var given = context.GivenInputs().ToArray();
        if (given.Select(g => g.Tensor.Rank).Distinct().Count() <= 1) return;
        throw ShapeContext.Error(message is null
            ? "All input tensors should have same dimension but got sizes: " + string.Join(", ", given.Select(g => $"{g.Name}: {TensorShapes.Torch(g.Tensor.Shape)}"))
            : Interpolate(message, context), given[^1].Name);
    }
}
