using LossDsl.Generator.Diagnostics;

namespace LossDsl.Generator.Model;

/// <summary>The result of compiling one <see cref="FormulaSource"/>: the losses that compiled, and every diagnostic.</summary>
internal sealed record CompiledUnit(string HintName, EquatableArray<LossModel> Losses, EquatableArray<DiagnosticInfo> Diagnostics);
