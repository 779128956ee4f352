using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Semantics;

/// <summary>
/// A bound <c>require</c> clause: the generated code throws an <c>ArgumentException</c> for <paramref name="Argument"/>
/// when <paramref name="Condition"/> is false. <paramref name="IsUniform"/>: it reads options only, and is checked once
/// before anything runs; otherwise it reads element values and is checked lane by lane in the kernels' pass.
/// </summary>
/// <param name="Message">The message in parts: text, or an option's name after a '{' (its value is shown there).</param>
internal sealed record RequireModel(Expr Condition, EquatableArray<string> Message, string Argument, bool IsUniform);
