namespace LossDsl.Tensors;

/// <summary><c>shape batchmean</c>: <c>reduction='batchmean'</c> is accepted: the sum divided by the first input's size(0).</summary>
public sealed class BatchMean : ShapeRule
{
    internal override bool HoldsForOneShape(int rank) => true; // the typed methods take no batchmean

    internal override bool AllowsBatchMean => true;
}
