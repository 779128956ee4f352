using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LossDsl.Generator.Diagnostics;

/// <summary>
/// Where a diagnostic points, as plain data (path, offsets, line positions) so that it compares by value
/// and holds no syntax tree: the Regex generator's lesson for caching.
/// </summary>
internal sealed record SourceSpan(string Path, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public Location ToLocation() => Location.Create(
        Path,
        new TextSpan(Start, Length),
        new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));
}
