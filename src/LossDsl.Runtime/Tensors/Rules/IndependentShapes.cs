using System.Linq;

namespace LossDsl.Tensors;

/// <summary>
/// <c>shape independent</c>: the inputs' shapes are unrelated (a sum of one <c>mean_all</c> per input). Each input is
/// tiled to a common length, which leaves every mean (and, summed back over the tiles, every gradient) as it is.
/// </summary>
public sealed class IndependentShapes : ShapeRule
{
    internal override void Prepare(ShapeContext context)
    {
        var given = context.GivenInputs().ToArray();
        if (given.Select(g => g.Tensor.Count).Distinct().Count() <= 1)
        {
            foreach (var (name, t) in given) context.SetInput(name, t.Reshape([t.Count]));
            return;
        }
        long length = 1;
        foreach (var (name, t) in given)
        {
            if (t.Count == 0) throw ShapeContext.Error($"{context.Loss}: '{name}' is empty", name);
            length = length / Gcd(length, t.Count) * t.Count;
            if (length > 1 << 24) throw ShapeContext.Error($"{context.Loss}: the inputs' lengths are too far apart to evaluate together", name);
        }
        foreach (var (name, t) in given)
        {
            int n = t.Count;
            var tiled = new double[length];
            for (long k = 0; k < length; k++) tiled[k] = t.Data[k % n];
            context.SetInput(name, new LossTensor([(int)length], tiled, t.Type), g =>
            {
                var back = new double[n];
                for (long k = 0; k < g.Length; k++) back[k % n] += g[k];
                return back;
            });
        }

        static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
    }
}
