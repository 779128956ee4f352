using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;
using static LossDsl.Conformance.Tests.CliProcessTests;

namespace LossDsl.Conformance.Tests;

/// <summary>
/// The formula workbench commands (<c>show</c>, <c>plot</c>, <c>eval --loss-file</c>) and the command line itself, run
/// as a process: loss files register in the process's registry (and may replace catalogue losses), so they stay out of
/// the test process.
/// </summary>
public sealed class WorkbenchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "lossdsl-tests-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Bce = "loss bce(input, const target) = -(target * log(sigmoid(input)) + (1 - target) * log(1 - sigmoid(input)))";

    [Fact]
    public async Task ShowExplainsAFormula()
    {
        var (exit, output, error) = await RunTool("", "show", Bce);
        Assert.True(exit == 0, error + output);
        Assert.Contains("L = -(target * log_sigmoid(input) + (1 - target) * log_sigmoid(-input))", output);
        Assert.Contains("log(sigmoid(x)) → log_sigmoid(x):  log(sigmoid(input))  ⇒  log_sigmoid(input)", output);
        Assert.Contains("1 - sigmoid(x) → sigmoid(-x)", output);
        Assert.Contains("dL/dinput = (1 - target) * sigmoid(input) - target * sigmoid(-input)", output);
        Assert.Contains("d²L/dinput² = ", output);
        Assert.DoesNotContain("dL/dtarget", output); // const: no gradient
    }

    [Fact]
    public async Task ShowExplainsACatalogueLoss()
    {
        var (exit, output, error) = await RunTool("", "show", "huber_loss");
        Assert.True(exit == 0, error + output);
        Assert.Contains("dL/dinput = if input - target <= -delta then -delta else (if input - target >= delta then delta else input - target)", output);
        Assert.Contains("dL/dtarget = if target - input <= -delta then -delta else (if target - input >= delta then delta else target - input)", output);
        Assert.Contains("d²L/dinput² = if input - target <= -delta then -0 else (if input - target >= delta then 0 else 1)", output);
    }

    [Fact]
    public async Task ShowExplainsAFile()
    {
        string path = Write("soft.loss", """
            /// Softplus of the difference.
            loss soft_difference(input, target) =
                let d = input - target in
                log(1 + exp(d)) + log(1 + d^2) + (exp(d) - 1)
            """);
        var (exit, output, error) = await RunTool("", "show", path);
        Assert.True(exit == 0, error + output);
        Assert.Contains("loss soft_difference (elementwise", output);
        Assert.Contains("log(1 + exp(x)) → softplus(x):  log(1 + exp(input - target))  ⇒  softplus(input - target)", output);
        Assert.Contains("log(1 + x) → log1p(x)", output);
        Assert.Contains("exp(x) - 1 → expm1(x)", output);
        Assert.Contains("dL/dinput = ", output);
        Assert.Contains("dL/dtarget = ", output);
        // d/dx softplus = sigmoid, d/dx log1p(d^2) = 2d / (1 + d^2), d/dx expm1 = exp
        string gradient = output.Split('\n').Single(l => l.TrimStart().StartsWith("dL/dinput = ", StringComparison.Ordinal));
        Assert.Contains("sigmoid(input - target)", gradient);
        Assert.Contains("exp(input - target)", gradient);
    }

    [Fact]
    public async Task ShowUnderlinesDiagnostics()
    {
        var (exit, output, _) = await RunTool("", "show", "loss f(input, target) = foo(input) + target");
        Assert.Equal(1, exit);
        Assert.Contains("<formula>(1,25): error LOSS011: 'foo' is not a known function", output);
        string[] lines = output.Split('\n');
        int at = Array.FindIndex(lines, l => l.EndsWith("| loss f(input, target) = foo(input) + target", StringComparison.Ordinal));
        Assert.True(at >= 0, output);
        string carets = lines[at + 1];
        Assert.Equal(lines[at].IndexOf("foo", StringComparison.Ordinal), carets.IndexOf('^'));
        Assert.Equal("^^^", carets.Trim().TrimStart('|').Trim());
    }

    [Fact]
    public async Task ShowPrintsTheGeneratedCode()
    {
        var (exit, output, error) = await RunTool("", "show", "loss sq(input, target) = (input - target)^2", "--code");
        Assert.True(exit == 0, error);
        Assert.Contains("generated C#:", output);
        Assert.Contains("class Sq", output);
    }

    [Theory]
    [InlineData("svg")]
    [InlineData("png")]
    public async Task PlotWritesAPicture(string format)
    {
        string loss = Write("pseudo_huber.loss", "loss pseudo_huber(input, target; delta = 1.0) = delta^2 * (sqrt(1 + ((input - target) / delta)^2) - 1)\n");
        string picture = Path.Combine(_dir, "curve." + format);
        var (exit, _, error) = await RunTool("", "plot", loss, "--range", "-4,4", "--option", "delta=0.5", "--out", picture);
        Assert.True(exit == 0, error);
        byte[] bytes = File.ReadAllBytes(picture);
        Assert.True(bytes.Length > 2000, $"{bytes.Length} bytes");
        if (format == "png")
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        else
        {
            string svg = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.StartsWith("<?xml", svg);
            Assert.Contains("<svg", svg);
            Assert.Contains("</svg>", svg);
            System.Xml.Linq.XDocument.Parse(svg); // well-formed
        }
    }

    [Fact]
    public async Task PlotDrawsACatalogueRowLoss()
    {
        string picture = Path.Combine(_dir, "ce.png");
        var (exit, _, error) = await RunTool("", "plot", "cross_entropy", "--classes", "4", "--logit", "2", "--out", picture);
        Assert.True(exit == 0, error);
        Assert.True(new FileInfo(picture).Length > 2000);
    }

    [Fact]
    public async Task PlotRefusesBadArguments()
    {
        var (exit, _, error) = await RunTool("", "plot", "huber_loss", "--out", Path.Combine(_dir, "x.jpg"));
        Assert.Equal(2, exit);
        Assert.Contains(".svg or .png", error);
        (exit, _, error) = await RunTool("", "plot", "huber_loss", "--frobnicate", "--out", Path.Combine(_dir, "x.svg"));
        Assert.Equal(2, exit);
        Assert.Contains("--frobnicate", error);
        (exit, _, error) = await RunTool("", "plot", "huber_loss");
        Assert.Equal(2, exit);
        Assert.Contains("--out", error);
    }

    [Fact]
    public async Task EvalAnswersForALossFile()
    {
        string loss = Write("scaled.loss", "/// A scaled squared error.\nloss scaled_square(input, target; factor = 2.0) = factor * (input - target)^2\n");
        string cases = """
            {"id": 1, "loss": "scaled_square", "inputs": {"input": {"shape": [2], "data": [1, 3]}, "target": {"shape": [2], "data": [0, 1]}}, "options": {"factor": 3}, "grad": ["input", "target"]}
            {"id": 2, "loss": "scaled_square", "dtype": "float32", "inputs": {"input": {"shape": [], "data": [2]}, "target": {"shape": [], "data": [0.5]}}}
            {"id": 3, "loss": "huber_loss", "inputs": {"input": {"shape": [], "data": [1]}, "target": {"shape": [], "data": [0]}}}
            """;
        var (exit, output, error) = await RunTool(cases + "\n", "eval", "--loss-file", loss);
        Assert.True(exit == 0, error);
        var answers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(3, answers.Length);
        // mean of 3 (x - y)^2 over (1 - 0, 3 - 1): 3 (1 + 4) / 2 = 7.5; d/dx = 3 * 2 (x - y) / 2 = (3, 6); d/dy = -(3, 6)
        Assert.Equal(7.5, answers[0].GetProperty("loss").GetProperty("data")[0].GetDouble(), 12);
        Assert.Equal("[3,6]", answers[0].GetProperty("grad").GetProperty("input").GetProperty("data").GetRawText());
        Assert.Equal("[-3,-6]", answers[0].GetProperty("grad").GetProperty("target").GetProperty("data").GetRawText());
        // default factor 2: 2 * 1.5^2 = 4.5
        Assert.Equal(4.5, answers[1].GetProperty("loss").GetProperty("data")[0].GetDouble(), 6);
        Assert.Equal(0.5, answers[2].GetProperty("loss").GetProperty("data")[0].GetDouble(), 12); // the catalogue still answers
    }

    [Fact]
    public async Task ListAndCheckTakeLossFiles()
    {
        string loss = Write("mine.loss", "loss my_abs(input, target) = abs(input - target)\n");
        var (exit, output, error) = await RunTool("", "list", "--loss-file", loss);
        Assert.True(exit == 0, error);
        Assert.Contains("my_abs", output);
        Assert.Contains("huber_loss", output);
        // |2 - 0.5| = 1.5 by hand; a wrong expectation must be reported as a mismatch (exit 1)
        string fixture = Write("mine.jsonl", """
            {"case": {"id": "ok", "loss": "my_abs", "inputs": {"input": {"shape": [], "data": [2]}, "target": {"shape": [], "data": [0.5]}}}, "expected": {"id": "ok", "loss": {"shape": [], "data": [1.5]}}}
            {"case": {"id": "bad", "loss": "my_abs", "inputs": {"input": {"shape": [], "data": [2]}, "target": {"shape": [], "data": [0.5]}}}, "expected": {"id": "bad", "loss": {"shape": [], "data": [2.5]}}}
            """);
        (exit, output, error) = await RunTool("", "check", "--loss-file", loss, fixture);
        Assert.True(exit == 1, error + output);
        Assert.Contains("1 passed, 1 failed", output);
    }

    [Fact]
    public async Task ALossFileReplacesACatalogueLossOfTheSameName()
    {
        string loss = Write("shadow.loss", "loss mse_loss(input, target) = 10 * (input - target)^2\n");
        string cases = """{"id": "s", "loss": "mse_loss", "inputs": {"input": {"shape": [], "data": [1]}, "target": {"shape": [], "data": [0]}}}""";
        var (exit, output, error) = await RunTool(cases + "\n", "eval", "--loss-file", loss);
        Assert.True(exit == 0, error);
        Assert.Equal(10, JsonDocument.Parse(output).RootElement.GetProperty("loss").GetProperty("data")[0].GetDouble());
        Assert.Contains("replaces the catalogue's 'mse_loss'", error);
    }

    public static TheoryData<string, byte[]> HostileFiles => new()
    {
        { "garbage", System.Text.Encoding.UTF8.GetBytes("loss mine(input, target) = %%% ??? }{ loss loss loss\n") },
        { "binary", Enumerable.Range(0, 512).Select(i => (byte)(i * 7919 % 256)).Prepend((byte)0).ToArray() },
        { "unclosed", System.Text.Encoding.UTF8.GetBytes("loss mine(input, target) =\n    log(1 + exp(input - target)\n") },
        { "empty", Array.Empty<byte>() },
        { "deep", System.Text.Encoding.UTF8.GetBytes("loss mine(input, target) = " + new string('(', 20000) + "input" + new string(')', 20000) + "\n") },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public async Task HostileFilesGiveADiagnosticNotACrash(string name, byte[] content)
    {
        string path = Path.Combine(_dir, name + ".loss");
        File.WriteAllBytes(path, content);
        string cases = """{"id": "h", "loss": "mine", "inputs": {"input": {"shape": [], "data": [1]}, "target": {"shape": [], "data": [0]}}}""";
        var (exit, output, error) = await RunTool(cases + "\n", "eval", "--loss-file", path);
        if (name == "empty")
        {
            // An empty file declares nothing: a warning (LOSS020), and the loss is simply unknown.
            Assert.Equal(0, exit);
            Assert.Contains("LOSS020", error);
        }
        else
        {
            Assert.True(exit == 1, $"exit {exit}: {error}");
            Assert.Matches(@"\.loss\(\d+,\d+\): error LOSS\d{3}: ", error);
        }
        var answer = JsonDocument.Parse(output).RootElement;
        Assert.Equal("h", answer.GetProperty("id").GetString());
        Assert.True(answer.TryGetProperty("error", out var message), output);
        if (name is "garbage" or "unclosed") Assert.Contains("LOSS0", message.GetString());

        var (showExit, shown, showError) = await RunTool("", "show", path);
        Assert.True(showExit == (name == "empty" ? 0 : 1), $"show exit {showExit}: {showError}");
        Assert.Contains("LOSS0", shown);
    }

    [Fact]
    public async Task HelpCoversEveryCommand()
    {
        var (exit, output, _) = await RunTool("", "--help");
        Assert.Equal(0, exit);
        foreach (string command in new[] { "eval", "list", "check", "show", "plot" }) Assert.Contains(command, output);
        foreach (string command in new[] { "eval", "list", "check", "show", "plot" })
        {
            var (e, o, err) = await RunTool("", command, "--help");
            Assert.True(e == 0, err);
            Assert.Contains("Usage:", o);
        }
        (exit, _, _) = await RunTool("");
        Assert.Equal(2, exit);
        var (unknown, _, error) = await RunTool("", "eval", "--no-such-option");
        Assert.Equal(2, unknown);
        Assert.Contains("--no-such-option", error);
    }
}
