namespace LossDsl;

/// <summary>
/// A kernel of a <c>sum_pairs(i, j: e)</c> aggregate: its body is the summand at the pairs (p, j) for the outer position p
/// that <see cref="SetOuter"/> fixed, one element (or one vector of elements) j per call. <see cref="ElementLoops.PairSum"/>
/// runs the inner pass over the row once per outer position, vectorised over j.
/// </summary>
public interface IPairKernel<T> : IElementKernel<T> where T : unmanaged
{
    /// <summary>Fixes the pair's first position: element <paramref name="position"/> (an index into the spans, like <c>i</c>).</summary>
    void SetOuter(int position);
}
