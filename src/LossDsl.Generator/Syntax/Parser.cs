using System.Collections.Generic;
using System.Linq;
using System.Text;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Syntax;

/// <summary>
/// Recursive-descent parser for the grammar in docs/language.md. It never throws: an error is reported with its
/// span, the parser skips to a point where it can go on (the next <c>loss</c>, a closing parenthesis...), and keeps
/// parsing, so several errors are reported at once.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly List<(string Id, TextRange Range, string[] Args)> _errors = new();
    private int _position;

    /// <summary>How deeply expressions may nest (parentheses, calls, let, if, unary operators): deeper is LOSS026.</summary>
    public const int MaxNesting = 256;

    /// <summary>Chains longer than this (a + b - c + ...) are built as balanced trees, so no later pass recurses per operand.</summary>
    public const int BalanceAbove = 16;

    private int _depth;

    /// <summary>Thrown when nesting passes <see cref="MaxNesting"/>: unwinds the declaration, which is then skipped.</summary>
    private sealed class NestingLimitException : System.Exception
    {
        public NestingLimitException(TextRange range) => Range = range;
        public TextRange Range { get; }
    }

    private void Enter()
    {
        if (++_depth > MaxNesting)
        {
            _depth = 0;
            throw new NestingLimitException(RangeOf(Current));
        }
        StackGuard.Ensure();
    }

    private void Exit() => _depth--;

    /// <summary>Parses one declaration; a nesting past the limit reports LOSS026 there and skips to the next declaration.</summary>
    private T? Guarded<T>(System.Func<T?> parse) where T : class
    {
        try
        {
            return parse();
        }
        catch (NestingLimitException limit)
        {
            _depth = 0;
            Error(Descriptors.TooComplex.Id, limit.Range, $"The formula nests more than {MaxNesting} levels deep (parentheses, calls, let, if, unary operators); split it with 'fn' or 'let'");
            while (!At(TokenKind.EndOfFile) && !At(TokenKind.Loss) && !At(TokenKind.DocComment) && !AtFunction) Advance();
            return null;
        }
    }

    private Parser(string text) => _tokens = Lexer.Lex(text);

    public static (List<LossSyntax> Losses, List<(string Id, TextRange Range, string[] Args)> Errors) Parse(string text)
    {
        var (losses, _, errors) = ParseWithFunctions(text);
        return (losses, errors);
    }

    /// <summary>Parses a file: its losses, its functions, and the errors.</summary>
    public static (List<LossSyntax> Losses, List<FunctionSyntax> Functions, List<(string Id, TextRange Range, string[] Args)> Errors) ParseWithFunctions(string text)
    {
        var parser = new Parser(text);
        var losses = parser.ParseFile();
        return (losses, parser._functions, parser._errors);
    }

    private readonly List<FunctionSyntax> _functions = new();

    private bool AtFunction => At(TokenKind.Identifier) && (Current.Text == "fn" || (Current.Text == "extern" && Peek(1).Text == "fn"));

    // function := ['extern'] 'fn' IDENT '(' [['row'] IDENT (',' ['row'] IDENT)*] ')' '=' (expr | qualified)
    //             (['fused'] 'grad' IDENT '=' (expr | qualified))*        ('fused grad' takes a qualified name only)
    private void Function()
    {
        int start = Current.Start;
        bool isExtern = Current.Text == "extern";
        if (isExtern) Advance();
        Advance(); // fn
        var name = Expect(TokenKind.Identifier);
        var parameters = new List<string>();
        var ranges = new List<TextRange>();
        var rows = new List<bool>();
        Expect(TokenKind.OpenParen);
        if (!At(TokenKind.CloseParen))
        {
            do
            {
                bool row = At(TokenKind.Identifier) && Current.Text == "row" && Peek(1).Kind == TokenKind.Identifier;
                if (row) Advance();
                rows.Add(row);
                var parameter = Expect(TokenKind.Identifier);
                parameters.Add(parameter.Text);
                ranges.Add(RangeOf(parameter));
            } while (Accept(TokenKind.Comma));
        }
        Expect(TokenKind.CloseParen);
        Expect(TokenKind.Equals);
        SyntaxNode? body = null;
        string? method = null;
        int end;
        if (isExtern)
        {
            (method, var range) = Qualified();
            end = range.End;
        }
        else
        {
            body = Expression();
            end = body.Range.End;
        }
        var gradients = new List<GradientSyntax>();
        while (At(TokenKind.Identifier) && (Current.Text == "grad" || (Current.Text == "fused" && Peek(1).Text == "grad")))
        {
            if (Current.Text == "fused")
            {
                // fused grad param = Namespace.Type.Method: the C# method that returns the value and writes d(value)/d(row)
                int clauseStart = Current.Start;
                Advance(); // fused
                Advance(); // grad
                var row = Expect(TokenKind.Identifier);
                Expect(TokenKind.Equals);
                var (fusedMethod, fusedRange) = Qualified();
                gradients.Add(new GradientSyntax(row.Text, RangeOf(row), null)
                    { Method = fusedMethod, Range = new TextRange(clauseStart, fusedRange.End - clauseStart), Fused = true });
                end = fusedRange.End;
                continue;
            }
            Advance();
            var parameter = Expect(TokenKind.Identifier);
            Expect(TokenKind.Equals);
            if (At(TokenKind.Identifier) && Peek(1).Kind == TokenKind.Dot)
            {
                // grad param = Namespace.Type.Method: the C# method that adds a row parameter's gradient
                var (gradientMethod, range) = Qualified();
                gradients.Add(new GradientSyntax(parameter.Text, RangeOf(parameter), null) { Method = gradientMethod, Range = range });
                end = range.End;
                continue;
            }
            var gradient = Expression();
            gradients.Add(new GradientSyntax(parameter.Text, RangeOf(parameter), gradient) { Range = gradient.Range });
            end = gradient.Range.End;
        }
        if (name.Length > 0)
            _functions.Add(new FunctionSyntax(name.Text, RangeOf(name), parameters.ToEquatableArray(), ranges.ToEquatableArray(), body, method,
                gradients.ToEquatableArray(), new TextRange(start, end - start)) { RowParameters = rows.ToEquatableArray() });
    }

    // qualified := IDENT ('.' IDENT)*   (a C# method's name)
    private (string Name, TextRange Range) Qualified()
    {
        var first = Expect(TokenKind.Identifier);
        var name = first.Text;
        int end = first.End;
        while (Accept(TokenKind.Dot))
        {
            var part = Expect(TokenKind.Identifier);
            name += "." + part.Text;
            end = part.End;
        }
        return (name, new TextRange(first.Start, end - first.Start));
    }

    /// <summary>Parses an expression alone (for tests).</summary>
    public static (SyntaxNode Expression, List<(string Id, TextRange Range, string[] Args)> Errors) ParseExpression(string text)
    {
        var parser = new Parser(text);
        var expression = parser.Guarded(parser.Expression) ?? new MissingSyntax(new TextRange(0, text.Length));
        parser.Expect(TokenKind.EndOfFile);
        return (expression, parser._errors);
    }

    private Token Current => _tokens[_position];
    private Token Peek(int k) => _tokens[System.Math.Min(_position + k, _tokens.Count - 1)];
    private Token Advance() { var t = Current; if (_position < _tokens.Count - 1) _position++; return t; }
    private bool At(TokenKind kind) => Current.Kind == kind;

    private void Error(string id, TextRange range, params string[] args)
    {
        // One error per position: recovery must not cascade into a pile of follow-on messages.
        if (_errors.Count > 0 && _errors[_errors.Count - 1].Range.Start == range.Start) return;
        _errors.Add((id, range, args));
    }

    private static TextRange RangeOf(Token t) => new(t.Start, t.Length);

    private Token Expect(TokenKind kind)
    {
        if (At(kind)) return Advance();
        ReportUnexpected(Token.Describe(kind));
        return new Token(kind, "", Current.Start);
    }

    private void ReportUnexpected(string expected)
    {
        var t = Current;
        if (t.Kind == TokenKind.Bad) Error(Descriptors.UnexpectedCharacter.Id, RangeOf(t), t.Text);
        else Error(Descriptors.Expected.Id, RangeOf(t), expected, t.Describe());
    }

    // file := declaration*
    private List<LossSyntax> ParseFile()
    {
        var losses = new List<LossSyntax>();
        while (!At(TokenKind.EndOfFile))
        {
            var docs = new StringBuilder();
            while (At(TokenKind.DocComment))
            {
                var line = Advance().Text.Substring(3);
                if (line.StartsWith(" ")) line = line.Substring(1);
                docs.AppendLine(line);
            }
            if (At(TokenKind.EndOfFile)) break;
            if (AtFunction)
            {
                Guarded<object>(() => { Function(); return this; });
                continue;
            }
            if (!At(TokenKind.Loss))
            {
                ReportUnexpected("'loss'");
                SkipTo(TokenKind.Loss);
                continue;
            }
            var loss = Guarded(() => Declaration(docs.ToString().TrimEnd()));
            if (loss is not null) losses.Add(loss);
        }
        return losses;
    }

    private void SkipTo(TokenKind kind)
    {
        while (!At(kind) && !At(TokenKind.EndOfFile)) Advance();
    }

    // declaration := 'loss' IDENT '(' inputs [';' options] ')' '=' expr
    private LossSyntax? Declaration(string documentation)
    {
        var start = Advance(); // 'loss'
        var name = Expect(TokenKind.Identifier);
        var inputs = new List<InputSyntax>();
        var options = new List<OptionSyntax>();
        if (Expect(TokenKind.OpenParen).Length > 0)
        {
            if (!At(TokenKind.Semicolon) && !At(TokenKind.CloseParen))
            {
                do { inputs.Add(Input()); } while (Accept(TokenKind.Comma));
            }
            if (Accept(TokenKind.Semicolon) && !At(TokenKind.CloseParen))
            {
                do { options.Add(Option()); } while (Accept(TokenKind.Comma));
            }
            if (!At(TokenKind.CloseParen))
            {
                ReportUnexpected("')'");
                while (!At(TokenKind.CloseParen) && !At(TokenKind.Equals) && !At(TokenKind.Loss) && !At(TokenKind.EndOfFile)) Advance();
            }
            Accept(TokenKind.CloseParen);
        }
        Expect(TokenKind.Equals);
        var body = Expression();
        var gradients = new List<GradientSyntax>();
        var end = body.Range.End;
        // grad input = expression   ('grad' is a keyword only here)
        SyntaxNode? meanBy = null, meanPer = null;
        HessianClause? hessian = null;
        var requires = new List<RequireSyntax>();
        var shapes = new List<ShapeRuleSyntax>();
        while (At(TokenKind.Identifier) && (Current.Text == "grad" || Current.Text == "hessian" || Current.Text == "require" || Current.Text == "shape" || (Current.Text == "mean" && Peek(1).Text is "by" or "per")))
        {
            if (Current.Text == "shape")
            {
                Advance();
                do
                {
                    if (ShapeRule() is not { } rule) break;
                    shapes.Add(rule);
                    end = rule.Range.End;
                } while (Accept(TokenKind.Comma));
                continue;
            }
            if (Current.Text == "require")
            {
                if (RequireClause() is { } require) { requires.Add(require); end = require.Range.End; }
                continue;
            }
            if (Current.Text == "hessian")
            {
                // hessian derived | hessian clamp number | hessian constant number: the default Hessian policy
                if (hessian is not null) Error(Descriptors.BadHessian.Id, RangeOf(Current), "A loss has one 'hessian' clause at most");
                var clause = HessianPolicyClause();
                hessian ??= clause;
                if (clause is not null) end = clause.Range.End;
                continue;
            }
            if (Current.Text == "mean")
            {
                // mean by expression: the mean reduction divides by the sum of this over the rows;
                // mean per expression: it averages each row's loss divided by this
                bool per = Peek(1).Text == "per";
                if ((per ? meanPer : meanBy) is not null) Error(Descriptors.Expected.Id, RangeOf(Current), $"one 'mean {(per ? "per" : "by")}' clause at most", "a second one");
                Advance();
                Advance();
                var clause = Expression();
                if (per) meanPer = clause; else meanBy = clause;
                end = clause.Range.End;
                continue;
            }
            Advance();
            var input = Expect(TokenKind.Identifier);
            Expect(TokenKind.Equals);
            var gradient = Expression();
            gradients.Add(new GradientSyntax(input.Text, RangeOf(input), gradient) { Range = gradient.Range });
            end = gradient.Range.End;
        }
        if (!At(TokenKind.EndOfFile) && !At(TokenKind.Loss) && !At(TokenKind.DocComment) && !AtFunction)
        {
            ReportUnexpected("the end of the formula");
            while (!At(TokenKind.EndOfFile) && !At(TokenKind.Loss) && !At(TokenKind.DocComment) && !AtFunction) Advance();
        }
        if (name.Length == 0) return null;
        return new LossSyntax(name.Text, RangeOf(name), documentation, inputs.ToEquatableArray(), options.ToEquatableArray(),
            body, gradients.ToEquatableArray(), meanBy, new TextRange(start.Start, end - start.Start)) { MeanPer = meanPer, Hessian = hessian, Requires = requires.ToEquatableArray(), Shapes = shapes.ToEquatableArray() };
    }

    /// <summary>
    /// One rule of a <c>shape</c> clause: <c>IDENT ['(' arg (',' arg)* ')'] ['else' STRING]</c>, an argument a name or a
    /// (signed) number. Null, with LOSS002 reported, when it is not one.
    /// </summary>
    private ShapeRuleSyntax? ShapeRule()
    {
        if (!At(TokenKind.Identifier))
        {
            ReportUnexpected("a shape rule (see docs/language.md, \"Shapes\")");
            return null;
        }
        var name = Advance();
        int end = name.End;
        var arguments = new List<ShapeArgumentSyntax>();
        if (Accept(TokenKind.OpenParen))
        {
            do
            {
                var first = Current;
                if (At(TokenKind.Identifier)) { var id = Advance(); arguments.Add(new ShapeArgumentSyntax(id.Text, 0, RangeOf(id))); continue; }
                bool negative = Accept(TokenKind.Minus);
                if (!At(TokenKind.Number))
                {
                    ReportUnexpected("a name or a number");
                    return null;
                }
                var number = Advance();
                double value = double.TryParse(number.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
                arguments.Add(new ShapeArgumentSyntax(null, negative ? -value : value, new TextRange(first.Start, number.End - first.Start)));
            } while (Accept(TokenKind.Comma));
            if (!At(TokenKind.CloseParen))
            {
                ReportUnexpected("')'");
                return null;
            }
            end = Advance().End;
        }
        string? message = null;
        if (Accept(TokenKind.Else))
        {
            if (!At(TokenKind.String))
            {
                ReportUnexpected("the message of the shape rule, in double quotes");
                return null;
            }
            var text = Advance();
            message = Lexer.StringValue(text.Text);
            end = text.End;
        }
        return new ShapeRuleSyntax(name.Text, RangeOf(name), arguments.ToEquatableArray(), message, new TextRange(name.Start, end - name.Start));
    }

    /// <summary>
    /// <c>'require' expr 'else' STRING</c>, at the word <c>require</c> ('require' is a keyword only here): null, with
    /// LOSS002 reported, when the message is missing.
    /// </summary>
    private RequireSyntax? RequireClause()
    {
        var keyword = Advance(); // 'require'
        var condition = Expression();
        Expect(TokenKind.Else);
        if (!At(TokenKind.String))
        {
            ReportUnexpected("the message of the require clause, in double quotes");
            return null;
        }
        var message = Advance();
        return new RequireSyntax(condition, Lexer.StringValue(message.Text), RangeOf(message), new TextRange(keyword.Start, message.End - keyword.Start));
    }

    /// <summary>
    /// <c>'hessian' ('derived' | 'clamp' number | 'constant' number)</c>, at the word <c>hessian</c>. A clamp's floor is
    /// finite and not negative, a constant finite and positive; anything else is LOSS027 at the offending token (and
    /// null: the loss keeps the exact Hessian).
    /// </summary>
    private HessianClause? HessianPolicyClause()
    {
        var keyword = Advance(); // 'hessian'
        var mode = Current;
        if (!At(TokenKind.Identifier) || mode.Text is not ("derived" or "clamp" or "constant"))
        {
            Error(Descriptors.BadHessian.Id, RangeOf(mode), $"Expected 'derived', 'clamp <floor>' or 'constant <value>' after 'hessian' but found {mode.Describe()}");
            return null;
        }
        Advance();
        if (mode.Text == "derived") return new HessianClause(HessianMode.Derived, 0, new TextRange(keyword.Start, mode.End - keyword.Start));
        bool negative = Accept(TokenKind.Minus);
        var number = Current;
        if (!At(TokenKind.Number) || !Lexer.TryParseNumber(number.Text, out var value))
        {
            Error(Descriptors.BadHessian.Id, RangeOf(number), $"'hessian {mode.Text}' takes a number, not {number.Describe()}");
            return null;
        }
        Advance();
        if (negative) value = -value;
        var range = new TextRange(keyword.Start, number.End - keyword.Start);
        if (mode.Text == "clamp" && !(value >= 0 && !double.IsInfinity(value)))
        {
            Error(Descriptors.BadHessian.Id, new TextRange(mode.Start, number.End - mode.Start), $"A Hessian floor must be finite and not negative, not {(negative ? "-" : "")}{number.Text}");
            return null;
        }
        if (mode.Text == "constant" && !(value > 0 && !double.IsInfinity(value)))
        {
            Error(Descriptors.BadHessian.Id, new TextRange(mode.Start, number.End - mode.Start), $"A constant Hessian must be finite and positive, not {(negative ? "-" : "")}{number.Text}");
            return null;
        }
        return new HessianClause(mode.Text == "clamp" ? HessianMode.Clamp : HessianMode.Constant, value, range);
    }

    private bool Accept(TokenKind kind)
    {
        if (!At(kind)) return false;
        Advance();
        return true;
    }

    // input := ['const'] ['row' | 'class' | 'index' | 'labels'] IDENT ['=' literal] ['except' IDENT]
    private InputSyntax Input()
    {
        int start = Current.Start;
        bool isConst = Accept(TokenKind.Const);
        var kind = InputKind.Element;
        if (At(TokenKind.Identifier) && Peek(1).Kind == TokenKind.Identifier)
        {
            kind = Current.Text switch { "row" => InputKind.Row, "class" => InputKind.Class, "index" => InputKind.Index, "labels" => InputKind.Labels, _ => InputKind.Element };
            if (kind == InputKind.Element) ReportUnexpected("'row', 'class', 'index', 'labels' or a name");
            Advance();
        }
        var name = Expect(TokenKind.Identifier);
        SyntaxNode? @default = Accept(TokenKind.Equals) ? Literal() : null;
        string? except = null;
        var exceptRange = default(TextRange);
        int end = @default?.Range.End ?? name.End;
        if (At(TokenKind.Identifier) && Current.Text == "except")
        {
            Advance();
            var option = Expect(TokenKind.Identifier);
            except = option.Text;
            exceptRange = RangeOf(option);
            end = option.End;
        }
        return new InputSyntax(name.Text, isConst, @default, new TextRange(start, end - start)) { Kind = kind, Except = except, ExceptRange = exceptRange };
    }

    private OptionSyntax Option()
    {
        var name = Expect(TokenKind.Identifier);
        SyntaxNode? @default = null;
        if (Accept(TokenKind.Equals)) @default = Literal();
        return new OptionSyntax(name.Text, @default, new TextRange(name.Start, (@default?.Range.End ?? name.End) - name.Start));
    }

    // literal := ['-'] number | 'true' | 'false'   (anything else is parsed and rejected by the binder)
    private SyntaxNode Literal() => Unary();

    // expr := 'let' IDENT '=' expr 'in' expr | 'if' expr 'then' expr 'else' expr | or [ '?' expr ':' expr ]
    private SyntaxNode Expression()
    {
        Enter();
        try
        {
            return ExpressionCore();
        }
        finally
        {
            Exit();
        }
    }

    private SyntaxNode ExpressionCore()
    {
        if (At(TokenKind.Let))
        {
            var let = Advance();
            var name = Expect(TokenKind.Identifier);
            Expect(TokenKind.Equals);
            var value = Expression();
            Expect(TokenKind.In);
            var body = Expression();
            return new LetSyntax(name.Text, RangeOf(name), value, body, new TextRange(let.Start, body.Range.End - let.Start));
        }
        if (At(TokenKind.If))
        {
            var @if = Advance();
            var condition = Expression();
            Expect(TokenKind.Then);
            var then = Expression();
            Expect(TokenKind.Else);
            var @else = Expression();
            return new IfSyntax(condition, then, @else, new TextRange(@if.Start, @else.Range.End - @if.Start));
        }
        var left = Or();
        if (Accept(TokenKind.Question))
        {
            var then = Expression();
            Expect(TokenKind.Colon);
            var @else = Expression();
            return new IfSyntax(left, then, @else, TextRange.Cover(left.Range, @else.Range));
        }
        return left;
    }

    private SyntaxNode Or() => LeftAssociative(And, TokenKind.Or);
    private SyntaxNode And() => LeftAssociative(Not, TokenKind.And);

    private SyntaxNode Not()
    {
        if (!At(TokenKind.Not)) return Comparison();
        var op = Advance();
        Enter();
        var operand = Not();
        Exit();
        return new UnarySyntax(TokenKind.Not, operand, new TextRange(op.Start, operand.Range.End - op.Start));
    }

    private SyntaxNode Comparison()
    {
        var left = Additive();
        if (Current.Kind is TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual or TokenKind.EqualEqual or TokenKind.NotEqual)
        {
            var op = Advance().Kind;
            var right = Additive();
            return new BinarySyntax(op, left, right, TextRange.Cover(left.Range, right.Range));
        }
        return left;
    }

    private SyntaxNode Additive() => LeftAssociative(Multiplicative, TokenKind.Plus, TokenKind.Minus);
    private SyntaxNode Multiplicative() => LeftAssociative(Unary, TokenKind.Star, TokenKind.Slash);

    /// <summary>
    /// <c>a op b op c ...</c>, read in a loop (no recursion per operand). Up to <see cref="BalanceAbove"/> operands it
    /// is the usual left-nested tree; a longer chain is built balanced, so its depth is log2 of its length and no later
    /// pass recurses once per term: <c>a - b + c - d</c> → <c>(a - b) - (c - d)</c>, the same value summed pairwise.
    /// </summary>
    private SyntaxNode LeftAssociative(System.Func<SyntaxNode> operand, params TokenKind[] operators)
    {
        var terms = new List<SyntaxNode> { operand() };
        var ops = new List<TokenKind> { operators[0] };
        while (operators.Contains(Current.Kind))
        {
            ops.Add(Advance().Kind);
            terms.Add(operand());
        }
        if (terms.Count <= BalanceAbove)
        {
            var left = terms[0];
            for (int k = 1; k < terms.Count; k++) left = new BinarySyntax(ops[k], left, terms[k], TextRange.Cover(left.Range, terms[k].Range));
            return left;
        }
        var inverse = operators[0] switch { TokenKind.Plus => TokenKind.Minus, TokenKind.Star => TokenKind.Slash, var same => same };
        return Balanced(terms, ops, 0, terms.Count, operators[0], inverse);
    }

    /// <summary>Terms [lo, hi) whose first operator counts as <paramref name="identity"/> (+, *, and, or).</summary>
    private static SyntaxNode Balanced(List<SyntaxNode> terms, List<TokenKind> ops, int lo, int hi, TokenKind identity, TokenKind inverse)
    {
        if (hi - lo == 1) return terms[lo];
        int mid = (lo + hi) / 2;
        var left = Balanced(terms, ops, lo, mid, identity, inverse);
        var op = ops[mid];
        if (op == inverse && inverse != identity)
        {
            // x - (b ... ) : the right half's operators flip, a - b + c = a - (b - c).
            for (int k = mid; k < hi; k++) ops[k] = ops[k] == inverse ? identity : inverse;
        }
        var right = Balanced(terms, ops, mid, hi, identity, inverse);
        return new BinarySyntax(op, left, right, TextRange.Cover(left.Range, right.Range));
    }

    // unary := '-' unary | power ;  -x^2 is -(x^2)
    private SyntaxNode Unary()
    {
        if (At(TokenKind.Minus) || At(TokenKind.Plus))
        {
            var op = Advance();
            Enter();
            var operand = Unary();
            Exit();
            if (op.Kind == TokenKind.Plus) return operand;
            return new UnarySyntax(TokenKind.Minus, operand, new TextRange(op.Start, operand.Range.End - op.Start));
        }
        return Power();
    }

    // power := primary ['^' unary]   (right-associative)
    private SyntaxNode Power()
    {
        var @base = Primary();
        if (!Accept(TokenKind.Caret)) return @base;
        Enter();
        var exponent = Unary();
        Exit();
        return new BinarySyntax(TokenKind.Caret, @base, exponent, TextRange.Cover(@base.Range, exponent.Range));
    }

    /// <summary><c>target[index]</c> after a call or a parenthesized expression: <c>softmax(z)[t]</c>.</summary>
    private SyntaxNode Subscripts(SyntaxNode target)
    {
        if (!Accept(TokenKind.OpenBracket)) return target;
        var index = Expression();
        var bracket = Expect(TokenKind.CloseBracket);
        return new ExpressionSubscriptSyntax(target, index, new TextRange(target.Range.Start, System.Math.Max(bracket.End, index.Range.End) - target.Range.Start));
    }

    // pairs := 'sum_pairs' '(' IDENT ',' IDENT ':' expr ')'   (the '(' already read)
    private SyntaxNode PairSum(Token keyword)
    {
        var first = Advance();
        Advance(); // ,
        var second = Advance();
        Advance(); // :
        var body = Expression();
        var close = Expect(TokenKind.CloseParen);
        return new PairSumSyntax(first.Text, RangeOf(first), second.Text, RangeOf(second), body,
            new TextRange(keyword.Start, System.Math.Max(close.End, body.Range.End) - keyword.Start));
    }

    private SyntaxNode Primary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Advance();
                if (!Lexer.TryParseNumber(t.Text, out var value))
                {
                    Error(Descriptors.InvalidNumber.Id, RangeOf(t), t.Text);
                    return new MissingSyntax(RangeOf(t));
                }
                return new NumberSyntax(value, t.Text, RangeOf(t));
            case TokenKind.True:
            case TokenKind.False:
                Advance();
                return new BoolSyntax(t.Kind == TokenKind.True, RangeOf(t));
            case TokenKind.Identifier:
                Advance();
                if (Accept(TokenKind.OpenBracket))
                {
                    var index = Expression();
                    var bracket = Expect(TokenKind.CloseBracket);
                    return new SubscriptSyntax(t.Text, RangeOf(t), index, new TextRange(t.Start, System.Math.Max(bracket.End, index.Range.End) - t.Start));
                }
                if (!Accept(TokenKind.OpenParen)) return new NameSyntax(t.Text, RangeOf(t));
                if (t.Text == PairSumSyntax.Keyword && At(TokenKind.Identifier) && Peek(1).Kind == TokenKind.Comma
                    && Peek(2).Kind == TokenKind.Identifier && Peek(3).Kind == TokenKind.Colon)
                    return PairSum(t);
                var arguments = new List<SyntaxNode>();
                if (!At(TokenKind.CloseParen))
                {
                    do { arguments.Add(Expression()); } while (Accept(TokenKind.Comma));
                }
                var close = Expect(TokenKind.CloseParen);
                return Subscripts(new CallSyntax(t.Text, RangeOf(t), arguments.ToEquatableArray(), new TextRange(t.Start, System.Math.Max(close.End, Current.Start) - t.Start)));
            case TokenKind.OpenParen:
                Advance();
                var inner = Expression();
                var closing = Expect(TokenKind.CloseParen);
                return Subscripts(inner with { Range = new TextRange(t.Start, System.Math.Max(closing.End, inner.Range.End) - t.Start) });
            default:
                ReportUnexpected("an expression");
                // Do not consume tokens that end a construct; consume the rest so parsing moves on.
                if (t.Kind is not (TokenKind.EndOfFile or TokenKind.Loss or TokenKind.CloseParen or TokenKind.Then or TokenKind.Else or TokenKind.In or TokenKind.Comma or TokenKind.DocComment))
                    Advance();
                return new MissingSyntax(new TextRange(t.Start, t.Length));
        }
    }
}
