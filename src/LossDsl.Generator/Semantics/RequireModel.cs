using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Semantics;

/// <summary>
/// A bound <c>require</c> clause: the generated code throws an <c>ArgumentException</c> for <paramref name="Argument"/>
/// when <paramref name="Condition"/> is false. <paramref name="IsUniform"/>: it reads options only, and is checked once
/// before anything runs; otherwise it reads element values and is checked lane by lane in the kernels' pass.
/// </summary>
/// <param name="Message">The message in parts: text, and the options whose values it shows.</param>
internal sealed record RequireModel(Expr Condition, EquatableArray<MessagePart> Message, string Argument, bool IsUniform);

/// <summary>A part of a require clause's message: text, or (<paramref name="IsOption"/>) the name of an option whose value it shows.</summary>
internal sealed record MessagePart(string Text, bool IsOption);
