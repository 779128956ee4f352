using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace LossDsl.Conformance.Tests;

/// <summary>The <c>lossdsl</c> tool itself, run as a process.</summary>
public class CliProcessTests
{
    /// <summary>lossdsl.dll beside the tests (copied from the referenced Cli project).</summary>
    private static string ToolPath
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "lossdsl.dll");
            Assert.True(File.Exists(path), $"{path} is missing");
            return path;
        }
    }

    internal static async Task<(int Exit, string Out, string Err)> RunTool(string stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(ToolPath);
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task EvalAnswersEveryLineInOrder()
    {
        string[] lines =
        [
            """{"id": "a", "loss": "mse_loss", "inputs": {"input": {"shape": [2], "data": [1, "NaN"]}, "target": {"shape": [2], "data": [0, 0]}}, "options": {"reduction": "none"}, "grad": ["input"]}""",
            """this is not json""",
            """{"id": "c", "loss": "no_such_loss", "inputs": {}}""",
            """{"id": 4, "loss": "mse_loss", "dtype": "float32", "inputs": {"input": {"shape": [], "data": [3]}, "target": {"shape": [], "data": [1]}}}""",
        ];
        var (exit, output, error) = await RunTool(string.Join("\n", lines) + "\n\n", "eval");
        Assert.True(exit == 0, error);
        var answers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(lines.Length, answers.Length);

        Assert.Equal("c", answers[2].GetProperty("id").GetString());
        Assert.True(answers[2].TryGetProperty("error", out _));
        Assert.Equal(JsonValueKind.Null, answers[1].GetProperty("id").ValueKind);
        Assert.True(answers[1].TryGetProperty("error", out _));
        Assert.Equal("a", answers[0].GetProperty("id").GetString());
        Assert.Equal(4, answers[3].GetProperty("id").GetInt32());
        // the tool has only the generated losses (no fakes): check values once mse_loss is generated
        if (LossDsl.Cli.Eval.RegisteredLosses.EnsureLoaded() && LossDsl.LossRegistry.TryGet("mse_loss", out _))
        {
            Assert.False(answers[0].TryGetProperty("error", out var e0), e0.ToString());
            var loss = answers[0].GetProperty("loss");
            Assert.Equal("[2]", loss.GetProperty("shape").GetRawText());
            Assert.Equal("""[1,"NaN"]""", loss.GetProperty("data").GetRawText());
            Assert.Equal("4", answers[3].GetProperty("loss").GetProperty("data")[0].GetRawText());
        }
    }

    [Fact]
    public async Task EvalAnswersThousandsOfCasesInOrder()
    {
        // one process, 5,000 cases streamed through stdin: every case answered, in the order asked (its speed is the
        // benchmarks' business, not a test's)
        const int n = 5000;
        var input = new System.Text.StringBuilder();
        for (int i = 0; i < n; i++)
            input.Append($$$"""{"id": {{{i}}}, "loss": "mse_loss", "inputs": {"input": {"shape": [4], "data": [{{{i}}}, 1, 2, 3]}, "target": {"shape": [4], "data": [0, 0, 0, 0]}}, "grad": ["input"]}""").Append('\n');
        var (exit, output, error) = await RunTool(input.ToString(), "eval");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(n, lines.Length);
        for (int i = 0; i < n; i++)
            Assert.Equal(i, JsonDocument.Parse(lines[i]).RootElement.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task ListNamesTheLosses()
    {
        var (exit, output, error) = await RunTool("", "list", "--json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
    }

    [Fact]
    public async Task UnknownCommandsFail()
    {
        var (exit, _, error) = await RunTool("", "frobnicate");
        Assert.NotEqual(0, exit);
        Assert.Contains("unknown command", error);
    }
}
