using LossDsl.Generator.Model;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// The bound expression tree that differentiation, simplification and emission work on: names resolved, lets inlined
/// (structural equality makes the shared subtrees one value again, and CSE gives them back their let names).
/// Immutable records with structural equality; no syntax, no symbols.
/// </summary>
internal abstract record Expr
{
    /// <summary>True for expressions of type bool (comparisons, logic, boolean options).</summary>
    public virtual bool IsBool => false;
}

/// <summary>A real constant.</summary>
internal sealed record Constant(double Value) : Expr
{
    public static readonly Constant Zero = new(0), One = new(1), Two = new(2), Half = new(0.5), MinusOne = new(-1);
}

/// <summary><c>true</c> or <c>false</c>.</summary>
internal sealed record BoolConstant(bool Value) : Expr
{
    public override bool IsBool => true;
}

/// <summary>The current element of input <paramref name="Index"/>.</summary>
internal sealed record InputRef(int Index, string Name) : Expr;

/// <summary>Option <paramref name="Index"/>: the same value for every element.</summary>
internal sealed record OptionRef(int Index, string Name, bool IsBoolean) : Expr
{
    public override bool IsBool => IsBoolean;
}

/// <summary>The value of aggregate <paramref name="Index"/> (a row sum or mean) in the outer formula of a row loss.</summary>
internal sealed record AggregateRef(int Index) : Expr;

/// <summary>The coefficient c_k = dL/dA_k of aggregate k in the current row (times the upstream gradient), in gradient kernels.</summary>
internal sealed record CoefficientRef(int Index) : Expr;

/// <summary>
/// How an aggregate combines its summands: over a row (Sum, Mean, Max, Min) or over everything (SumAll, MeanAll).
/// <c>logsumexp</c>, <c>dot</c>, <c>norm</c>, <c>softmax</c> and <c>log_softmax</c> are written in terms of these.
/// </summary>
internal enum AggregateKind { Sum, Mean, SumAll, MeanAll, Max, Min, Gather, Extern, PairSum }

/// <summary>
/// <c>sum(e)</c>, <c>mean(e)</c> over a row, or <c>sum_all(e)</c>, <c>mean_all(e)</c> over everything; or
/// <c>sum_pairs(i, j: e)</c> (<see cref="AggregateKind.PairSum"/>), over the ordered pairs of positions of a row, whose
/// summand reads position j as the current element (<see cref="InputRef"/>, <see cref="ClassRef"/>, <see cref="ColumnRef"/>)
/// and position i through <see cref="OuterRef"/> and <see cref="OuterColumnRef"/>.
/// Bound, then lifted out into <see cref="AggregateRef"/>s.
/// </summary>
internal sealed record Aggregate(AggregateKind Kind, Expr Body) : Expr;

internal enum UnaryOp { Negate, Not }

internal sealed record Unary(UnaryOp Op, Expr Operand) : Expr
{
    public override bool IsBool => Op == UnaryOp.Not;
}

internal enum BinaryOp { Add, Subtract, Multiply, Divide, Power, Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual, And, Or }

internal sealed record Binary(BinaryOp Op, Expr Left, Expr Right) : Expr
{
    public override bool IsBool => Op >= BinaryOp.Less;
}

/// <summary>A built-in function applied to its arguments.</summary>
internal sealed record Call(Function Function, EquatableArray<Expr> Arguments) : Expr
{
    public Call(Function function, params Expr[] arguments) : this(function, arguments.ToEquatableArray()) { }
    public Expr Argument => Arguments[0];
}

/// <summary><c>if Condition then Then else Else</c>; per element when the condition varies.</summary>
internal sealed record Conditional(Expr Condition, Expr Then, Expr Else) : Expr;

/// <summary>The current row's class index from index input <paramref name="Input"/> (as a number, for comparisons).</summary>
internal sealed record IndexRef(int Input, string Name) : Expr;

/// <summary>The current row's value of row input <paramref name="Input"/>.</summary>
internal sealed record RowRef(int Input, string Name) : Expr;

/// <summary>The current element's class (column) of class input <paramref name="Input"/>: one value per class, shared by the rows.</summary>
internal sealed record ClassRef(int Input, string Name) : Expr;

/// <summary>The current element's column in its row.</summary>
internal sealed record ColumnRef : Expr
{
    public static readonly ColumnRef Instance = new();
}

/// <summary>The current row's number (0, 1, ...) in a row loss: <c>row</c> in the language.</summary>
internal sealed record RowNumberRef : Expr
{
    public static readonly RowNumberRef Instance = new();
}

/// <summary><c>name[index]</c>: input <paramref name="Input"/> (an element or class input) at the row's class index <paramref name="Index"/>.</summary>
internal sealed record Gather(int Input, string Name, bool IsClassInput, IndexRef Index) : Expr;

/// <summary>Parameter <paramref name="Index"/> of a user function, in its body and gradient clauses.</summary>
internal sealed record ParamRef(int Index, string Name) : Expr;

/// <summary>
/// A call of a user function: its body and stated gradients are written over <see cref="ParamRef"/>s. The
/// differentiator uses a stated gradient where there is one (a custom derivative rule) and derives the body otherwise;
/// after differentiation the call becomes its body with the arguments substituted, or, for an extern function, a call
/// of the C# method <paramref name="Extern"/>.
/// </summary>
internal sealed record CustomCall(string Name, EquatableArray<Expr> Arguments, Expr? Body, EquatableArray<Expr?> Gradients, string? Extern) : Expr;

/// <summary>A call of a C# method with overloads for T and Vector128/256/512 of T (an extern function, after lowering).</summary>
internal sealed record ExternCall(string Method, EquatableArray<Expr> Arguments) : Expr;

/// <summary>The current row's list of labels from labels input <paramref name="Input"/> (only an argument of a row function).</summary>
internal sealed record ListRef(int Input, string Name) : Expr;

/// <summary>
/// A call of an extern row function: the C# method <paramref name="Method"/> computes one value per row from whole rows
/// of element inputs (the <see cref="InputRef"/> arguments), label lists (<see cref="ListRef"/>) and per-row numbers
/// (the other arguments). Lifted like an aggregate; its gradient is not derived: per argument, the C# method in
/// <paramref name="Gradients"/> adds the adjoint times d(value)/d(row) to the row's gradient (null for a number).
/// </summary>
internal sealed record RowCall(string Name, string Method, EquatableArray<Expr> Arguments, EquatableArray<string?> Gradients) : Expr
{
    /// <summary>
    /// A <c>fused grad</c> clause's method, or null: it takes the arguments and the gradient row of argument
    /// <see cref="FusedArgument"/>, returns the value, and writes d(value)/d(row) there (overwriting, unscaled).
    /// </summary>
    public string? Fused { get; init; }
    public int FusedArgument { get; init; } = -1;
}

/// <summary>
/// The gradient factor that aggregate <paramref name="Aggregate"/>'s pass stored in input <paramref name="Input"/>'s
/// gradient span at the current element (read back by the row gradient instead of computing it again).
/// </summary>
internal sealed record CachedSummand(int Aggregate, int Input) : Expr;

/// <summary>
/// In the summand of a <c>sum_pairs(i, j: e)</c>: input <paramref name="Input"/> (an element input, or a class input when
/// <paramref name="IsClassInput"/>) at the pair's first position i. The second position j is the current element, read
/// as <see cref="InputRef"/> / <see cref="ClassRef"/>; i is fixed while a pass runs over j, so this is a scalar of the pass.
/// </summary>
internal sealed record OuterRef(int Input, string Name, bool IsClassInput) : Expr;

/// <summary>In the summand of a <c>sum_pairs(i, j: e)</c>: the first position i (the second, j, is <see cref="ColumnRef"/>).</summary>
internal sealed record OuterColumnRef : Expr
{
    public static readonly OuterColumnRef Instance = new();
}

/// <summary>
/// While a <c>sum_pairs</c> summand is bound: its position <paramref name="Slot"/> (0 for i, 1 for j) read as a number
/// (<paramref name="Input"/> &lt; 0) or input <paramref name="Input"/> read at it (<c>x[i]</c>). The binder turns these into
/// <see cref="OuterRef"/>/<see cref="OuterColumnRef"/> (slot 0) and <see cref="InputRef"/>/<see cref="ClassRef"/>/<see cref="ColumnRef"/>
/// (slot 1) once the summand is bound; no later stage sees one.
/// </summary>
internal sealed record PairSlot(int Slot, int Input, string Name, bool IsClassInput) : Expr;
