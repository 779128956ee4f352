namespace LossDsl;

/// <summary>
/// One call's work cut into ranges: computes elements [<c>start</c>, <c>end</c>) (writing their outputs and gradients)
/// and returns the partial sum of their losses. Implemented by generated code as an unmanaged struct of pointers to the
/// pinned spans of the call; it must not throw.
/// </summary>
/// <remarks>
/// <see cref="LossParallel.Run{TKernel, T}(ref TKernel, int)"/> calls <see cref="Run"/> on the same instance from several
/// threads at once, each time on a different range, and the ranges of one call never overlap. So <see cref="Run"/> must
/// only read the struct's fields and write the elements of its own range: no field may change during a call. The value it
/// returns for a range must depend only on that range (not on the thread it runs on), which the serial kernels already
/// guarantee; that is what makes the chunked result independent of the thread count.
/// </remarks>
/// <typeparam name="T">The element type of the loss (float or double in generated code).</typeparam>
public interface IChunkedKernel<T> where T : unmanaged
{
    /// <summary>Computes elements [<paramref name="start"/>, <paramref name="end"/>) and returns the sum of their losses.</summary>
    /// <param name="start">The first element of the range.</param>
    /// <param name="end">One past the last element of the range (<paramref name="start"/> &lt; <paramref name="end"/>).</param>
    T Run(int start, int end);
}
