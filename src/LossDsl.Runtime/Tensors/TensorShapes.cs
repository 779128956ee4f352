using System;
using System.Linq;

namespace LossDsl.Tensors;

/// <summary>Shape arithmetic following PyTorch: counts, broadcasting, and summing a broadcast gradient back.</summary>
public static class TensorShapes
{
    /// <summary>The number of elements of a tensor of <paramref name="shape"/> (1 for a scalar).</summary>
    public static long Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    /// <summary>Whether two shapes are the same.</summary>
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary><c>[2, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary><c>torch.Size([2, 3])</c>, as PyTorch prints a shape in its messages.</summary>
    public static string Torch(ReadOnlySpan<int> shape) => "torch.Size(" + Format(shape) + ")";

    /// <summary>The broadcast of two shapes, or null with PyTorch's message when they do not broadcast.</summary>
    public static int[]? TryBroadcast(int[] a, int[] b, out string? error)
    {
        error = null;
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da == db || db == 1) result[i] = da;
            else if (da == 1) result[i] = db;
            else
            {
                error = $"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}";
                return null;
            }
        }
        return result;
    }

    /// <summary>The values of a tensor of shape <paramref name="from"/> broadcast to <paramref name="to"/> (which must be a broadcast of it).</summary>
    public static double[] Expand(double[] data, int[] from, int[] to)
    {
        if (Equal(from, to)) return data;
        long total = Count(to);
        var result = new double[total];
        if (total == 0) return result;
        var srcStrides = BroadcastStrides(from, to);
        var index = new int[to.Length];
        long src = 0;
        for (long k = 0; k < total; k++)
        {
            result[k] = data[src];
            // advance the multi-index (row-major), keeping the source offset in step
            for (int axis = to.Length - 1; axis >= 0; axis--)
            {
                index[axis]++;
                src += srcStrides[axis];
                if (index[axis] < to[axis]) break;
                src -= (long)srcStrides[axis] * to[axis];
                index[axis] = 0;
            }
        }
        return result;
    }

    /// <summary>
    /// Sums values of shape <paramref name="full"/> down to <paramref name="to"/> (a shape that broadcasts to <paramref name="full"/>),
    /// as autograd does for the gradient of a broadcast input.
    /// </summary>
    public static double[] SumTo(double[] data, int[] full, int[] to)
    {
        if (Equal(full, to)) return data;
        var result = new double[Count(to)];
        long total = Count(full);
        if (total == 0 || result.Length == 0) return result;
        var dstStrides = BroadcastStrides(to, full);
        var index = new int[full.Length];
        long dst = 0;
        for (long k = 0; k < total; k++)
        {
            result[dst] += data[k];
            for (int axis = full.Length - 1; axis >= 0; axis--)
            {
                index[axis]++;
                dst += dstStrides[axis];
                if (index[axis] < full[axis]) break;
                dst -= (long)dstStrides[axis] * full[axis];
                index[axis] = 0;
            }
        }
        return result;
    }

    /// <summary>For each axis of <paramref name="to"/>, the step in a row-major array of shape <paramref name="from"/> (0 where broadcast).</summary>
    private static int[] BroadcastStrides(int[] from, int[] to)
    {
        var strides = new int[to.Length];
        int stride = 1;
        for (int i = to.Length - 1, j = from.Length - 1; i >= 0; i--, j--)
        {
            int d = j >= 0 ? from[j] : 1;
            strides[i] = d == 1 && to[i] != 1 ? 0 : stride;
            stride *= d;
        }
        return strides;
    }

    /// <summary>The shape with a trailing axis of 1 added.</summary>
    public static int[] UnsqueezeLast(int[] shape) => [.. shape, 1];

    /// <summary>The shape without its last axis (a scalar stays a scalar).</summary>
    public static int[] DropLast(int[] shape) => shape.Length == 0 ? [] : shape[..^1];
}
