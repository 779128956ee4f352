using System;

namespace LossDsl.Cli.Eval;

/// <summary>A case the reference refuses (or the protocol does not allow): it becomes an <c>error</c> answer.</summary>
public sealed class EvalException(string message) : Exception(message);
