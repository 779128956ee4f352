using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>Scopes and types: names resolved in the scope of lets, inputs, options and constants; every expression a number or a condition, as its place wants (LOSS010-LOSS014).</summary>
internal sealed partial class Binder
{
    private Expr? BindReal(SyntaxNode node)
    {
        var e = Bind(node);
        if (e is ListRef)
        {
            Report(BindErrorKind.TypeMismatch, node.Range, "a number", "a list of labels (pass it to a row function)");
            return null;
        }
        if (e is not null && e.IsBool)
        {
            Report(BindErrorKind.TypeMismatch, node.Range, "a number", "a condition (bool)");
            return null;
        }
        return e;
    }

    private Expr? BindBool(SyntaxNode node)
    {
        var e = Bind(node);
        if (e is not null && !e.IsBool)
        {
            Report(BindErrorKind.TypeMismatch, node.Range, "a condition (bool)", "a number");
            return null;
        }
        return e;
    }

    private Expr? Bind(SyntaxNode node)
    {
        StackGuard.Ensure();
        switch (node)
        {
            case MissingSyntax:
                _failed = true;
                return null;
            case NumberSyntax n:
                return new Constant(n.Value);
            case BoolSyntax b:
                return new BoolConstant(b.Value);
            case NameSyntax name:
                return BindName(name);
            case UnarySyntax { Operator: TokenKind.Not } u:
                return BindBool(u.Operand) is { } operand ? new Unary(UnaryOp.Not, operand) : null;
            case UnarySyntax u:
                return BindReal(u.Operand) is { } negated ? new Unary(UnaryOp.Negate, negated) : null;
            case BinarySyntax b:
                return BindBinary(b);
            case IfSyntax i:
            {
                var condition = BindBool(i.Condition);
                var then = BindReal(i.Then);
                var @else = BindReal(i.Else);
                return condition is null || then is null || @else is null ? null : new Conditional(condition, then, @else);
            }
            case LetSyntax let:
                return BindLet(let);
            case SubscriptSyntax subscript:
                return BindSubscript(subscript);
            case ExpressionSubscriptSyntax subscript:
            {
                var target = BindReal(subscript.Target);
                return SubscriptOf(target, subscript.Target, subscript.Index);
            }
            case CallSyntax call:
                return BindCall(call);
            case PairSumSyntax pairs:
                return BindPairSum(pairs);
            default:
                _failed = true;
                return null;
        }
    }

    private Expr? BindName(NameSyntax name)
    {
        if (_scope.TryGetValue(name.Name, out var bound))
        {
            // In a sum_pairs summand an input has two values, one per position: which one must be said.
            if (_pair is { Nested: false } && bound is InputRef or ClassRef)
            {
                Report(BindErrorKind.BadSubscript, name.Range, $"Inside {PairSumSyntax.Keyword}, read '{name.Name}' at one of the pair's positions: {name.Name}[{_pair.First}] or {name.Name}[{_pair.Second}]");
                return null;
            }
            return bound;
        }
        if (s_constants.TryGetValue(name.Name, out var value)) return new Constant(value);
        if (name.Name == ColumnName && _pair is { Nested: false })
        {
            Report(BindErrorKind.AggregateMisuse, name.Range, $"Inside {PairSumSyntax.Keyword}, the positions are '{_pair.First}' and '{_pair.Second}': '{ColumnName}' would be ambiguous");
            return null;
        }
        if (name.Name == ColumnName) return ColumnRef.Instance;
        if (name.Name == RowName) return RowNumberRef.Instance;
        Report(BindErrorKind.UnknownName, name.Range, name.Name);
        return null;
    }


    private Expr? BindLet(LetSyntax let)
    {
        var value = Bind(let.Value);
        if (_scope.ContainsKey(let.Name) || s_constants.ContainsKey(let.Name))
        {
            Report(BindErrorKind.DuplicateName, let.NameRange, let.Name);
            return null;
        }
        if (value is null) { Bind(let.Body); return null; }
        if (value is not (Constant or InputRef or OptionRef)) _names.Add(new NamedExpr(value, let.Name));
        _scope[let.Name] = value;
        var body = Bind(let.Body);
        _scope.Remove(let.Name);
        return body;
    }

    private Expr? BindBinary(BinarySyntax b)
    {
        switch (b.Operator)
        {
            case TokenKind.And:
            case TokenKind.Or:
            {
                var l = BindBool(b.Left);
                var r = BindBool(b.Right);
                return l is null || r is null ? null : new Binary(b.Operator == TokenKind.And ? BinaryOp.And : BinaryOp.Or, l, r);
            }
            default:
            {
                bool comparison = b.Operator is TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual or TokenKind.EqualEqual or TokenKind.NotEqual;
                var l = BindReal(b.Left);
                var r = BindReal(b.Right);
                if (l is null || r is null) return null;
                var op = b.Operator switch
                {
                    TokenKind.Plus => BinaryOp.Add,
                    TokenKind.Minus => BinaryOp.Subtract,
                    TokenKind.Star => BinaryOp.Multiply,
                    TokenKind.Slash => BinaryOp.Divide,
                    TokenKind.Caret => BinaryOp.Power,
                    TokenKind.Less => BinaryOp.Less,
                    TokenKind.LessEqual => BinaryOp.LessEqual,
                    TokenKind.Greater => BinaryOp.Greater,
                    TokenKind.GreaterEqual => BinaryOp.GreaterEqual,
                    TokenKind.EqualEqual => BinaryOp.Equal,
                    _ => BinaryOp.NotEqual,
                };
                return new Binary(op, l, r);
            }
        }
    }

    private Expr? BindCall(CallSyntax call)
    {
        var aggregate = call.Function switch
        {
            "sum" => AggregateKind.Sum,
            "mean" => AggregateKind.Mean,
            "sum_all" => AggregateKind.SumAll,
            "mean_all" => AggregateKind.MeanAll,
            "max" when call.Arguments.Count == 1 => AggregateKind.Max,
            "min" when call.Arguments.Count == 1 => AggregateKind.Min,
            _ => (AggregateKind?)null,
        };
        if (aggregate is { } kind)
        {
            if (!CheckArity(call, 1)) return null;
            var body = BindNested(call, () => BindReal(call.Arguments[0]));
            // sum(sum(x)), max(x[t]), mean(q) of a row input: a value the same for every element, reduced over the row, says
            // nothing new (a constant or an option, sum(1) for the row length, is fine).
            if (body is not null && !VariesAlongTheRow(body) && ExprWalker.Any(body, e => e is RowRef or RowNumberRef or IndexRef or Aggregate or Gather or RowCall))
            {
                Report(BindErrorKind.AggregateMisuse, call.Range, $"'{call.Function}' reduces over a row, but its argument has one value per row (it reads no element outside a nested aggregate or subscript): drop the outer '{call.Function}'");
                return null;
            }
            return body is null ? null : new Aggregate(kind, body);
        }
        if (RowFunctions.TryGetValue(call.Function, out var row))
        {
            if (!CheckArity(call, row.Arity)) return null;
            var args = BindNested(call, () => { var list = call.Arguments.Select(BindReal).ToList(); return list.Any(a => a is null) ? null : row.Build(list!); });
            return args;
        }
        if (call.Function == PairSumSyntax.Keyword)
        {
            foreach (var argument in call.Arguments) Bind(argument);
            Report(BindErrorKind.AggregateMisuse, call.Range, $"{PairSumSyntax.Keyword} is written {PairSumSyntax.Keyword}(i, j: e): two names for the pair's positions, a colon, then the summand");
            return null;
        }
        if (call.Function == "clamp")
        {
            if (!CheckArity(call, 3)) return null;
            var args = call.Arguments.Select(BindReal).ToList();
            if (args.Any(a => a is null)) return null;
            return new Call(Function.Min, new Call(Function.Max, args[0]!, args[1]!), args[2]!);
        }
        if (_functions.TryGetValue(call.Function, out var user))
        {
            if (!CheckArity(call, user.Parameters.Count)) return null;
            if (IsRowFunction(user)) return BindRowCall(call, user);
            var values = call.Arguments.Select(BindReal).ToList();
            if (values.Any(a => a is null)) return null;
            if (Template(user, call.NameRange) is not { } template) { _failed = true; return null; }
            return new CustomCall(user.Name, values.ToEquatableArray()!, template.Body, template.Gradients.ToEquatableArray(), user.Extern);
        }
        if (!Functions.ByName.TryGetValue(call.Function, out var function))
        {
            foreach (var argument in call.Arguments) Bind(argument);
            Report(BindErrorKind.UnknownFunction, call.NameRange, call.Function);
            return null;
        }
        if (!CheckArity(call, function.Arity)) return null;
        var arguments = call.Arguments.Select(BindReal).ToList();
        if (arguments.Any(a => a is null)) return null;
        return new Call(function.Function, arguments.ToEquatableArray()!);
    }

    private bool CheckArity(CallSyntax call, int arity)
    {
        if (call.Arguments.Count == arity) return true;
        Report(BindErrorKind.WrongArity, call.Range, call.Function, arity.ToString(), call.Arguments.Count.ToString());
        return false;
    }
}
