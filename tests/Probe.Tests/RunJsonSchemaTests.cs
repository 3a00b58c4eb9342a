using System.Diagnostics;
using System.Text.Json.Nodes;
using Probing.Cli;
using Probing.IclHarness.Icl;
using Probing.Runs;
using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary>
/// Every command that writes a run folder writes one run.json schema (<see cref="RunRecord.Check"/>), and
/// claims its folder: a second run into it is one line and exit 2.
/// </summary>
public sealed class RunJsonSchemaTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("run-json-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Out(string name) => Path.Combine(_folder, name);

    [Fact]
    public void GivenEveryCommandThatWritesARun_WhenRunOnce_ThenEachRunJsonPassesTheSchema()
    {
        var model = BundledModel.Find() ?? throw new InvalidOperationException("the bundled model is missing");
        var trigram = Out("tiny-trigram.json");
        File.WriteAllText(trigram, """
            {"model": {"d_vocab": 6, "n_ctx": 8, "d_model": 8, "d_head": 4, "d_mlp": 8},
             "task": {"d_vocab": 6, "trigram_prob": 0.3, "eval_size": 20},
             "training": {"steps": 3, "batch_size": 8, "eval_every": 0, "checkpoint_every": 0}}
            """);
        string[] icl = ["--model", model, "--examples", "3", "--contexts", "1", "--sweep-shots", "0", "--no-plots", "--threads", "1"];
        var commands = new (string Command, string Folder, string[] Args)[]
        {
            ("icl", Out("icl-a"), ["icl", "--task", "2x+3", .. icl, "--out", Out("icl-a")]),
            ("icl", Out("icl-b"), ["icl", "--task", "x+1", .. icl, "--out", Out("icl-b")]),
            ("icl patch", Out("patch"), ["icl", "patch", "--source", "2x+3", "--target", "3x+1", "--model", model, "--examples", "3", "--threads", "1", "--out", Out("patch")]),
            ("icl patch", Out("patch-grid"), ["icl", "patch", "--source", "2x+3", "--target", "3x+1", "--model", model, "--examples", "3", "--threads", "1",
                "--grid", "--positions", "-3..-1", "--out", Out("patch-grid")]),
            ("icl compare", Out("compare"), ["icl", "compare", Out("icl-a"), Out("icl-b"), "--out", Out("compare")]),
            ("lens", Out("lens"), ["lens", "--model", model, "--prompt", "(1, 5), (2,", "--top", "2", "--threads", "1", "--out", Out("lens")]),
            ("bayes simulate", Out("simulate"), ["bayes", "simulate", "--steps", "5", "--out", Out("simulate")]),
            ("toy train", Out("train"), ["toy", "train", "--task", "trigram", "--config", trigram, "--threads", "1", "--out", Out("train")]),
            ("toy analyze", Out("analysis"), ["toy", "analyze", "--task", "trigram", "--checkpoint", Out("train"), "--threads", "1", "--out", Out("analysis")]),
        };

        foreach (var (command, folder, args) in commands)
        {
            var (code, _, error) = Run(args);
            Assert.True(code == ExitCodes.Ok, $"{command}: exit {code}: {error}");
            var run = RunRecord.Read(Path.Combine(folder, RunRecord.FileName));
            Assert.True(RunRecord.Check(run).Count == 0, $"{command}: {string.Join("; ", RunRecord.Check(run))}");
            Assert.Equal(command, run["command"]!.GetValue<string>());
            Assert.Equal(["probe", .. args], run["command_line"]!.AsArray().Select(a => a!.GetValue<string>()));
            Assert.False(run["partial"]!.GetValue<bool>());
            Assert.NotNull(run["ended_utc"]);
            Assert.False(File.Exists(Path.Combine(folder, RunFolder.LockFile)), $"{command} left its lock behind");
            if (command is "icl" or "icl patch" or "lens")
                Assert.Equal(Sha256File.Of(model), run["model"]!["sha256"]!.GetValue<string>());
            if (command is "toy train" or "toy analyze")
                Assert.False(string.IsNullOrEmpty(run["versions"]!["torchsharp"]?.GetValue<string>()), $"{command}: no torchsharp version");
        }

        var icla = RunRecord.Read(Path.Combine(Out("icl-a"), RunRecord.FileName));
        Assert.Equal(3, icla["parameters"]!["examples"]!.GetValue<int>());
        Assert.Equal(0, icla["seed"]!.GetValue<int>());
        var train = RunRecord.Read(Path.Combine(Out("train"), RunRecord.FileName));
        Assert.Equal(3, train["checkpoint"]!["step"]!.GetValue<int>());
        Assert.Equal(Sha256File.Of(Path.Combine(Out("train"), "model.safetensors")), train["checkpoint"]!["model_sha256"]!.GetValue<string>());
    }

    [Fact]
    public void GivenFinishedRuns_WhenAnotherCommandWritesIntoTheirFolder_ThenOneLineAndExit2AndNothingChanges()
    {
        var model = BundledModel.Find()!;
        var train = Out("train");
        Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", train).Code);
        var before = File.ReadAllText(Path.Combine(train, "run.json"));
        string[] icl = ["icl", "--task", "2x+3", "--model", model, "--examples", "3", "--contexts", "1", "--sweep-shots", "0", "--threads", "1"];

        var (code, _, error) = Run([.. icl, "--out", train]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("already holds files", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(before, File.ReadAllText(Path.Combine(train, "run.json")));

        var first = Out("icl");
        Assert.Equal(ExitCodes.Ok, Run([.. icl, "--out", first]).Code);
        var (again, _, againError) = Run([.. icl, "--no-plots", "--out", first]);
        Assert.Equal(ExitCodes.BadInput, again);
        Assert.Contains("already holds files", againError);
    }

    [Fact]
    public async Task GivenTwoRealProcessesRacingForOneFolder_WhenBothTrain_ThenOneTrainsAndTheOtherGetsOneLineAndExit2()
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "probe.dll");
        var run = Out("race");
        Process Start() => Process.Start(new ProcessStartInfo("dotnet",
            ["exec", probe, "toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "20", "--threads", "1", "--out", run])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var a = Start();
        using var b = Start();
        var errors = await Task.WhenAll(a.StandardError.ReadToEndAsync(), b.StandardError.ReadToEndAsync());
        await Task.WhenAll(a.WaitForExitAsync(), b.WaitForExitAsync());

        var codes = new[] { a.ExitCode, b.ExitCode };
        Assert.Equal([ExitCodes.Ok, ExitCodes.BadInput], codes.Order().ToArray());
        var loser = errors[Array.IndexOf(codes, ExitCodes.BadInput)];
        Assert.Matches("in use by another run|already holds", loser);
        Assert.Single(loser.Trim().Split('\n'));
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!;
        Assert.Equal(20, record["checkpoint"]!["step"]!.GetValue<int>());
    }
}
