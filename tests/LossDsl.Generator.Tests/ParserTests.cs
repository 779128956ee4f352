using System.Linq;
using LossDsl.Generator.Syntax;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>The grammar: precedence, associativity, declarations, and recovery.</summary>
public class ParserTests
{
    private static SyntaxNode Expr(string text)
    {
        var (e, errors) = Parser.ParseExpression(text);
        Assert.Empty(errors);
        return e;
    }

    [Fact]
    public void UnaryMinusBindsLooserThanPower()
    {
        var e = Assert.IsType<UnarySyntax>(Expr("-x^2"));
        Assert.Equal(TokenKind.Caret, Assert.IsType<BinarySyntax>(e.Operand).Operator);
    }

    [Fact]
    public void PowerIsRightAssociative()
    {
        var e = Assert.IsType<BinarySyntax>(Expr("a^b^c"));
        Assert.IsType<NameSyntax>(e.Left);
        Assert.Equal(TokenKind.Caret, Assert.IsType<BinarySyntax>(e.Right).Operator);
    }

    [Fact]
    public void SubtractionIsLeftAssociative()
    {
        var e = Assert.IsType<BinarySyntax>(Expr("a - b - c"));
        Assert.Equal(TokenKind.Minus, Assert.IsType<BinarySyntax>(e.Left).Operator);
    }

    [Fact]
    public void ComparisonBindsLooserThanArithmetic_AndLogicLooserStill()
    {
        var e = Assert.IsType<BinarySyntax>(Expr("a + 1 < b and not c > 2"));
        Assert.Equal(TokenKind.And, e.Operator);
        Assert.Equal(TokenKind.Less, Assert.IsType<BinarySyntax>(e.Left).Operator);
        Assert.Equal(TokenKind.Not, Assert.IsType<UnarySyntax>(e.Right).Operator);
    }

    [Fact]
    public void LetIfAndTernary()
    {
        var let = Assert.IsType<LetSyntax>(Expr("let d = a - b in if d < 1 then d else c ? 1 : 2"));
        Assert.Equal("d", let.Name);
        var @if = Assert.IsType<IfSyntax>(let.Body);
        Assert.IsType<IfSyntax>(@if.Else);
    }

    [Fact]
    public void Declaration_WithDocsConstInputsOptionsAndGradClauses()
    {
        var (losses, errors) = Parser.Parse("/// Doc line.\nloss f(x, const y = 1; k = 2.5, on = true) = k * x\ngrad x = k");
        Assert.Empty(errors);
        var loss = Assert.Single(losses);
        Assert.Equal("Doc line.", loss.Documentation);
        Assert.Equal(new[] { "x", "y" }, loss.Inputs.Select(i => i.Name));
        Assert.True(loss.Inputs[1].IsConst);
        Assert.Equal(new[] { "k", "on" }, loss.Options.Select(o => o.Name));
        Assert.Equal("x", Assert.Single(loss.Gradients).Input);
    }

    [Fact]
    public void Recovery_GoesOnToTheNextLoss()
    {
        var (losses, errors) = Parser.Parse("loss a(x) = x +\nloss b(x = x\nloss c(y) = y");
        Assert.True(errors.Count >= 2);
        Assert.Contains(losses, l => l.Name == "c");
    }
}
