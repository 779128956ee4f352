using LossDsl.Generator.Diagnostics;

namespace LossDsl.Generator.Model;

/// <summary>
/// The result of compiling one <see cref="FormulaSource"/>: the losses that compiled, and every diagnostic.
/// <paramref name="Locations"/> holds, per loss, where its name is declared (for diagnostics found after compiling,
/// such as two files declaring one class): the pipeline hands the emitter <paramref name="Losses"/> alone, so inserting
/// lines above a loss moves its diagnostics without re-emitting its code.
/// </summary>
internal sealed record CompiledUnit(EquatableArray<LossModel> Losses, EquatableArray<SourceSpan> Locations, EquatableArray<DiagnosticInfo> Diagnostics);
