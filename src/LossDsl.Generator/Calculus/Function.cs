using System.Collections.Generic;

namespace LossDsl.Generator.Calculus;

/// <summary>The built-in functions of the language. <see cref="Functions"/> names them and gives their arity.</summary>
internal enum Function
{
    Abs, Sign, Min, Max, Exp, Log, Log1p, Expm1, Sqrt, Pow, Sigmoid, Softplus, LogSigmoid, Tanh, Cosh, Atan,
    /// <summary>Its argument's value, with a zero derivative (PyTorch's <c>.detach()</c>).</summary>
    Detach,
    /// <summary>x log(y), and 0 where x is 0 (PyTorch's xlogy; its gradient too: d/dx = log(y) where x != 0, d/dy = x / y).</summary>
    Xlogy,
}

internal static class Functions
{
    /// <summary>Name in the language → function and arity. <c>clamp</c> and the aggregates are bound separately.</summary>
    public static readonly IReadOnlyDictionary<string, (Function Function, int Arity)> ByName = new Dictionary<string, (Function, int)>
    {
        ["abs"] = (Function.Abs, 1), ["sign"] = (Function.Sign, 1), ["min"] = (Function.Min, 2), ["max"] = (Function.Max, 2),
        ["exp"] = (Function.Exp, 1), ["log"] = (Function.Log, 1), ["log1p"] = (Function.Log1p, 1), ["expm1"] = (Function.Expm1, 1),
        ["sqrt"] = (Function.Sqrt, 1), ["pow"] = (Function.Pow, 2), ["sigmoid"] = (Function.Sigmoid, 1),
        ["softplus"] = (Function.Softplus, 1), ["log_sigmoid"] = (Function.LogSigmoid, 1), ["tanh"] = (Function.Tanh, 1),
        ["cosh"] = (Function.Cosh, 1), ["atan"] = (Function.Atan, 1), ["detach"] = (Function.Detach, 1), ["xlogy"] = (Function.Xlogy, 2),
    };

    /// <summary>The name used in the language and in generated comments.</summary>
    public static string NameOf(Function function) => function switch
    {
        Function.LogSigmoid => "log_sigmoid",
        _ => function.ToString().ToLowerInvariant(),
    };

    /// <summary>The runtime method (<c>global::LossDsl.LossMath.X</c>) that computes it, at every width.</summary>
    public static string RuntimeName(Function function) => function.ToString();
}
