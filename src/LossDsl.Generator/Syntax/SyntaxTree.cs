using LossDsl.Generator.Model;

namespace LossDsl.Generator.Syntax;

/// <summary>A span in formula text: offset and length.</summary>
internal readonly record struct TextRange(int Start, int Length)
{
    public int End => Start + Length;
    public static TextRange Cover(TextRange a, TextRange b) => new(a.Start, b.End - a.Start);
}

/// <summary>The syntax of a formula: what was written, with spans, before names are resolved.</summary>
internal abstract record SyntaxNode(TextRange Range);

internal sealed record NumberSyntax(double Value, string Text, TextRange Range) : SyntaxNode(Range);
internal sealed record BoolSyntax(bool Value, TextRange Range) : SyntaxNode(Range);
internal sealed record NameSyntax(string Name, TextRange Range) : SyntaxNode(Range);
internal sealed record UnarySyntax(TokenKind Operator, SyntaxNode Operand, TextRange Range) : SyntaxNode(Range);
internal sealed record BinarySyntax(TokenKind Operator, SyntaxNode Left, SyntaxNode Right, TextRange Range) : SyntaxNode(Range);
internal sealed record CallSyntax(string Function, TextRange NameRange, EquatableArray<SyntaxNode> Arguments, TextRange Range) : SyntaxNode(Range);
internal sealed record IfSyntax(SyntaxNode Condition, SyntaxNode Then, SyntaxNode Else, TextRange Range) : SyntaxNode(Range);
internal sealed record LetSyntax(string Name, TextRange NameRange, SyntaxNode Value, SyntaxNode Body, TextRange Range) : SyntaxNode(Range);
/// <summary><c>name[index]</c>: the element of a row (or of a class input) at a row's class index.</summary>
internal sealed record SubscriptSyntax(string Name, TextRange NameRange, SyntaxNode Index, TextRange Range) : SyntaxNode(Range);
/// <summary><c>(expression)[index]</c>, <c>f(x)[index]</c>: the element of a row-valued expression at a row's index.</summary>
internal sealed record ExpressionSubscriptSyntax(SyntaxNode Target, SyntaxNode Index, TextRange Range) : SyntaxNode(Range);
/// <summary>
/// <c>sum_pairs(i, j: body)</c>: the sum over the ordered pairs of positions (i, j) of a row of the summand, in which
/// <c>i</c> and <c>j</c> name the two positions (<c>x[i]</c>, <c>x[j]</c>, and as numbers).
/// </summary>
internal sealed record PairSumSyntax(string First, TextRange FirstRange, string Second, TextRange SecondRange, SyntaxNode Body, TextRange Range) : SyntaxNode(Range)
{
    /// <summary>The aggregate's name in the language.</summary>
    public const string Keyword = "sum_pairs";
}
/// <summary>Stands where the parser could not read an expression; binding it reports nothing more.</summary>
internal sealed record MissingSyntax(TextRange Range) : SyntaxNode(Range);

/// <summary>What one value of an input covers: an element (the default), a row (<c>row</c>), a class shared by every
/// row (<c>class</c>), a row's class index (<c>index</c>, an integer), or a row's list of labels (<c>labels</c>, integers,
/// the same number for every row: a sequence target, padded).</summary>
internal enum InputKind { Element, Row, Class, Index, Labels }

/// <summary>
/// An input: <c>name</c>, <c>const name</c>, <c>const name = 1</c> (an optional input with a default), with a kind
/// (<c>row</c>, <c>class</c>, <c>index</c>), and for an index <c>except option</c>: rows whose index equals the option
/// are left out (no loss, no gradient, not counted by the mean).
/// </summary>
internal sealed record InputSyntax(string Name, bool IsConst, SyntaxNode? Default, TextRange Range)
{
    public InputKind Kind { get; init; }
    public string? Except { get; init; }
    public TextRange ExceptRange { get; init; }
}

/// <summary>An option: <c>name = literal</c>.</summary>
internal sealed record OptionSyntax(string Name, SyntaxNode? Default, TextRange Range);

/// <summary>
/// <c>grad input = expression</c>: a gradient the differentiator takes as given instead of deriving it; or, for a
/// <c>row</c> parameter of an extern function, <c>grad param = Namespace.Type.Method</c>, the C# method that adds it.
/// </summary>
internal sealed record GradientSyntax(string Input, TextRange InputRange, SyntaxNode? Expression)
{
    public string? Method { get; init; }
    public TextRange Range { get; init; }
    /// <summary>
    /// <c>fused grad row = Method</c>: a row function's method that returns its value and writes d(value)/d(row), unscaled,
    /// over the row's gradient, in one call (for a forward+backward call: the dynamic program runs once).
    /// </summary>
    public bool Fused { get; init; }
}

/// <summary>
/// <c>fn name(params) = body</c> or <c>extern fn name(params) = Namespace.Type.Method</c>, then <c>grad param = expression</c>
/// clauses: a function whose stated gradients the differentiator uses instead of deriving them (an extern function is
/// computed by C# code and must state every gradient). A parameter declared <c>row</c> (extern functions only) takes a
/// whole row of an element input: the function is then a row function, one value per row, like an aggregate.
/// </summary>
internal sealed record FunctionSyntax(
    string Name,
    TextRange NameRange,
    EquatableArray<string> Parameters,
    EquatableArray<TextRange> ParameterRanges,
    SyntaxNode? Body,
    string? Extern,
    EquatableArray<GradientSyntax> Gradients,
    TextRange Range)
{
    /// <summary>Per parameter: declared <c>row</c>.</summary>
    public EquatableArray<bool> RowParameters { get; init; }
}

/// <summary><c>/// doc</c> <c>loss name(inputs; options) = body</c> then any <c>grad input = expression</c> clauses.</summary>
internal sealed record LossSyntax(
    string Name,
    TextRange NameRange,
    string Documentation,
    EquatableArray<InputSyntax> Inputs,
    EquatableArray<OptionSyntax> Options,
    SyntaxNode Body,
    EquatableArray<GradientSyntax> Gradients,
    SyntaxNode? MeanBy,
    TextRange Range)
{
    /// <summary><c>mean per expression</c>: the mean averages each row's loss divided by this.</summary>
    public SyntaxNode? MeanPer { get; init; }
    /// <summary><c>hessian derived | clamp number | constant number</c>: the loss's default Hessian policy, or null.</summary>
    public HessianClause? Hessian { get; init; }
    /// <summary><c>require condition else "message"</c> clauses: the values the loss refuses (see <see cref="RequireSyntax"/>).</summary>
    public EquatableArray<RequireSyntax> Requires { get; init; } = EquatableArray<RequireSyntax>.Empty;
    /// <summary><c>shape rule, rule...</c> clauses: the loss's tensor semantics beyond broadcasting (see <see cref="ShapeRuleSyntax"/>).</summary>
    public EquatableArray<ShapeRuleSyntax> Shapes { get; init; } = EquatableArray<ShapeRuleSyntax>.Empty;
}

/// <summary>
/// One rule of a <c>shape</c> clause: <c>same(input, target) else "message"</c>, <c>batchmean</c>. Its arguments are
/// names (inputs, options, losses) or numbers; what each rule takes is <c>Semantics.ShapeRuleTable</c>'s.
/// </summary>
internal sealed record ShapeRuleSyntax(string Rule, TextRange RuleRange, EquatableArray<ShapeArgumentSyntax> Arguments, string? Message, TextRange Range);

/// <summary>An argument of a shape rule: a name, or a number (<paramref name="Name"/> null).</summary>
internal sealed record ShapeArgumentSyntax(string? Name, double Number, TextRange Range);

/// <summary>
/// <c>require condition else "message"</c>: a precondition. The generated code throws an <c>ArgumentException</c> with
/// the message (options named in braces, <c>{delta}</c>, replaced by their values) when the condition does not hold:
/// for the options once, before anything runs; for element values in the kernels' own pass over the data.
/// </summary>
internal sealed record RequireSyntax(SyntaxNode Condition, string Message, TextRange MessageRange, TextRange Range);

/// <summary>What a <c>hessian</c> clause declares (the runtime's <c>HessianPolicyKind</c>, without its Default).</summary>
internal enum HessianMode
{
    /// <summary><c>hessian derived</c>: the exact second derivative.</summary>
    Derived,
    /// <summary><c>hessian clamp floor</c>: max(d2L/dx2, floor).</summary>
    Clamp,
    /// <summary><c>hessian constant value</c>: value for every element.</summary>
    Constant,
}

/// <summary>A loss's declared Hessian policy: <paramref name="Value"/> is the floor or the constant (0 for Derived).</summary>
internal sealed record HessianClause(HessianMode Mode, double Value, TextRange Range);
