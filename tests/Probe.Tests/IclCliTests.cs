using Probing.Cli;
using Probing.Gguf;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Patching;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary>probe icl end to end through ProbeApp.Run on a generated tiny model.</summary>
public sealed class IclCliTests : IClassFixture<IclCliTests.TinyModel>
{
    private readonly TinyModel _model;

    public IclCliTests(TinyModel model) => _model = model;

    public sealed class TinyModel : IDisposable
    {
        public TinyModel()
        {
            Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "probing-icl-cli-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(Folder);
            ModelPath = TinyLlamaBuilder.Write(new TinyLlamaConfig(NLayer: 2, NEmbd: 32, NHead: 2, NHeadKv: 2, NFf: 64, NCtx: 256,
                Vocabulary: "0123456789(),-> :\nIOabcdefghijklmnopqrstuvwxyz", Seed: 3), System.IO.Path.Combine(Folder, "tiny.gguf"));
        }

        public string Folder { get; }

        public string ModelPath { get; }

        public void Dispose()
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        }
    }

    private string[] Args(string outDir, params string[] extra) =>
        ["icl", "--task", "2x+3", "--model", _model.ModelPath, "--examples", "4", "--contexts", "2", "--threads", "1",
         "--sweep-shots", "0,2", "--sweep-x-range", "0..3", "--out", outDir, .. extra];

    [Fact]
    public void GivenTinyModel_WhenIclRuns_ThenFolderHoldsSummaryWithExactShape()
    {
        var dir = Path.Combine(_model.Folder, "run");
        var (code, output, error) = Run(Args(dir));
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("two-hypothesis fit", output);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        var root = doc.RootElement;
        Assert.Equal(["task", "model_sha256", "examples", "warnings", "fit"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2x+3", root.GetProperty("task").GetString());
        Assert.Equal(4, root.GetProperty("examples").GetArrayLength());
        Assert.Equal(["index", "surprisal_bits_mean", "surprisal_bits_ci95", "p_correct_mean", "ideal_surprisal_bits"],
            root.GetProperty("examples")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["theta0", "c", "c_ci95"], root.GetProperty("fit").EnumerateObject().Select(p => p.Name));
        Assert.True(File.Exists(Path.Combine(dir, "report.md")));
        Assert.Contains("\"partial\": false", File.ReadAllText(Path.Combine(dir, "run.json")));
    }

    [Fact]
    public void GivenTaskOutsideTheIdealFamily_WhenIclRuns_ThenTerminalReportAndSummaryNameTheFlag()
    {
        var dir = Path.Combine(_model.Folder, "outside-family");
        var (code, _, error) = Run(["icl", "--task", "17x+100", "--model", _model.ModelPath, "--examples", "3", "--contexts", "1", "--threads", "1",
            "--sweep-shots", "0", "--no-lens", "--out", dir]);
        Assert.True(code == ExitCodes.Ok, error);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        var warning = Assert.Single(doc.RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.Contains("(--family)", warning);
        Assert.Contains($"probe: warning: {warning}", error);
        Assert.Contains(warning, File.ReadAllText(Path.Combine(dir, "report.md")));
        foreach (var text in new[] { error, warning, File.ReadAllText(Path.Combine(dir, "report.md")) })
            Assert.DoesNotContain(nameof(IclRunOptions.IdealFamily), text);
    }

    [Theory]
    [InlineData("--task", "2x+", "column 4")]
    [InlineData("--task", "2y+1", "unknown symbol 'y'")]
    [InlineData("--template", "nosuch", "unknown template 'nosuch'")]
    [InlineData("--x-range", "5..1", "--x-range")]
    [InlineData("--examples", "0", "--examples")]
    public void GivenBadInput_WhenIclRuns_ThenOneLineErrorAndExit2(string option, string value, string expected)
    {
        var args = Args(Path.Combine(_model.Folder, "bad")).ToList();
        var at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([option, value]);
        var (code, _, error) = Run([.. args]);
        Assert.Equal(ExitCodes.BadInput, code);
        var lines = error.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
    }

    [Fact]
    public void GivenNoModelAndNoEnvironment_WhenIclRuns_ThenErrorTellsToPassModel()
    {
        var saved = Environment.GetEnvironmentVariable("PROBE_MODEL");
        Environment.SetEnvironmentVariable("PROBE_MODEL", null);
        // The repository ships models/icl-linear-tiny.gguf; pretend it is absent.
        var locator = IclCommands.BundledModelLocator;
        IclCommands.BundledModelLocator = () => null;
        try
        {
            var (code, _, error) = Run("icl", "--task", "2x+3");
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("--model", error);
            Assert.Contains("PROBE_MODEL", error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PROBE_MODEL", saved);
            IclCommands.BundledModelLocator = locator;
        }
    }

    [Fact]
    public void GivenUnwritableOut_WhenIclRuns_ThenOneLineErrorAndExit2()
    {
        var blocker = Path.Combine(_model.Folder, "a-file");
        File.WriteAllText(blocker, "");
        var (code, _, error) = Run(Args(Path.Combine(blocker, "sub")));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("cannot write results", error);
    }

    [Fact]
    public void GivenPromptLongerThanContext_WhenIclRuns_ThenErrorSaysByHowMuch()
    {
        var args = Args(Path.Combine(_model.Folder, "long"), "--x-range", "100..999").ToList();
        args[args.IndexOf("--examples") + 1] = "40";
        var (code, _, error) = Run([.. args]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("more than the model's context of 256", error);
        Assert.Contains("--examples", error);
    }

    [Fact]
    public void GivenTwoRuns_WhenCompared_ThenOverlayIsWritten()
    {
        var a = Path.Combine(_model.Folder, "cmp-a");
        var b = Path.Combine(_model.Folder, "cmp-b");
        Assert.Equal(ExitCodes.Ok, Run(Args(a, "--no-plots", "--no-lens")).Code);
        Assert.Equal(ExitCodes.Ok, Run(Args(b, "--no-plots", "--no-lens", "--seed", "9")).Code);
        var dir = Path.Combine(_model.Folder, "cmp");
        var (code, output, error) = Run("icl", "compare", a, b, "--out", dir);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.True(File.Exists(Path.Combine(dir, "compare_surprisal.png")));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir, "compare.csv")).Length);
        Assert.Contains("A: 2x+3", output);
    }

    [Fact]
    public void GivenAPartialRunOrOneWithoutRunJson_WhenCompared_ThenEachIsWarnedAbout()
    {
        var a = Path.Combine(_model.Folder, "cmp-partial");
        Assert.Equal(ExitCodes.Ok, Run(Args(a, "--no-plots", "--no-lens")).Code);
        var b = Path.Combine(_model.Folder, "cmp-unfinished");
        Directory.CreateDirectory(b);
        File.Copy(Path.Combine(a, "summary.json"), Path.Combine(b, "summary.json"));
        var runJson = Path.Combine(a, "run.json");
        File.WriteAllText(runJson, File.ReadAllText(runJson).Replace("\"partial\": false", "\"partial\": true", StringComparison.Ordinal));

        var (code, _, error) = Run("icl", "compare", a, b, "--out", Path.Combine(_model.Folder, "cmp-warn"));

        Assert.True(code == ExitCodes.Ok, error);
        var lines = error.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Contains("partial run", lines[0]);
        Assert.Contains("no run.json", lines[1]);
    }

    [Fact]
    public void GivenNonRunFolder_WhenCompared_ThenOneLineErrorAndExit2()
    {
        var (code, _, error) = Run("icl", "compare", _model.Folder, _model.Folder, "--out", Path.Combine(_model.Folder, "cmp-bad"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("summary.json", error);
    }

    [Fact]
    public void GivenPatch_WhenRun_ThenOneRowPerLayerPlusUnpatched()
    {
        var dir = Path.Combine(_model.Folder, "patch");
        var (code, output, error) = Run("icl", "patch", "--source", "2x+3", "--target", "3x+1", "--model", _model.ModelPath, "--examples", "3", "--threads", "1", "--out", dir);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(1 + 1 + 2, File.ReadAllLines(Path.Combine(dir, "patch.csv")).Length);
        Assert.Contains("P(source literal)", output);
    }

    [Fact]
    public void GivenTaskVector_WhenRun_ThenOneRowPerLayerPngAndRunJson()
    {
        var dir = Path.Combine(_model.Folder, "task-vector");
        var (code, output, error) = Run("icl", "task-vector", "--task", "2x+3", "--model", _model.ModelPath, "--examples", "3", "--contexts", "2",
            "--queries", "3", "--threads", "1", "--out", dir);
        Assert.True(code == ExitCodes.Ok, error);
        var lines = File.ReadAllLines(Path.Combine(dir, "task_vector.csv"));
        Assert.Equal("layer,p_correct_mean,p_correct_lo,p_correct_hi,accuracy,accuracy_lo,accuracy_hi", lines[0]);
        Assert.Equal(1 + 2, lines.Length); // the tiny model's 2 layers
        Assert.True(new FileInfo(Path.Combine(dir, "task_vector.png")).Length > 0);
        Assert.Contains("\"full_icl\"", File.ReadAllText(Path.Combine(dir, "run.json")));
        Assert.Contains("task vector for 2x+3", output);
    }

    [Fact]
    public void GivenWrongTaskPromptsAndHeads_WhenTaskVectorRuns_ThenOwnRuleAndFunctionVectorColumns()
    {
        var dir = Path.Combine(_model.Folder, "task-vector-into");
        var (code, output, error) = Run("icl", "task-vector", "--task", "2x+3", "--into-task", "3x+1", "--heads", "2", "--model", _model.ModelPath,
            "--examples", "3", "--contexts", "2", "--queries", "3", "--threads", "1", "--out", dir);
        Assert.True(code == ExitCodes.Ok, error);
        var header = File.ReadAllLines(Path.Combine(dir, "task_vector.csv"))[0].Split(',');
        Assert.Contains("p_own_rule_mean", header);
        Assert.Contains("accuracy_own_rule_hi", header);
        Assert.Contains("fv_p_correct_mean", header);
        Assert.Contains("fv_p_own_rule_mean", header);
        var json = File.ReadAllText(Path.Combine(dir, "run.json"));
        Assert.Contains("\"function_vector\"", json);
        Assert.Contains("\"into_task\": \"3x+1\"", json);
        Assert.Contains("function vector (L", output);
        Assert.Contains("P(own rule)", output);
    }

    [Fact]
    public void GivenMoreHeadsThanTheModelHas_WhenTaskVectorRuns_ThenOneLineAndExit2()
    {
        var (code, _, error) = Run("icl", "task-vector", "--task", "2x+3", "--heads", "999", "--model", _model.ModelPath, "--examples", "3", "--contexts", "1",
            "--queries", "1", "--threads", "1", "--out", Path.Combine(_model.Folder, "tv-heads-" + Guid.NewGuid().ToString("N")[..6]));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--heads", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("--contexts", "0")]
    [InlineData("--queries", "-1")]
    [InlineData("--contexts", "2147483647")]
    public void GivenABadCount_WhenTaskVectorRuns_ThenOneLineAndExit2(string flag, string value)
    {
        var (code, _, error) = Run("icl", "task-vector", "--task", "2x+3", "--model", _model.ModelPath, "--threads", "1", flag, value,
            "--out", Path.Combine(_model.Folder, "tv-bad-" + Guid.NewGuid().ToString("N")[..6]));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(flag, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void GivenPatchGrid_WhenRunOnASpan_ThenGridCsvThreeHeatmapsAndRunJson()
    {
        var dir = Path.Combine(_model.Folder, "patch-grid");
        var (code, output, error) = Run("icl", "patch", "--source", "2x+3", "--target", "3x+1", "--model", _model.ModelPath, "--examples", "3",
            "--threads", "1", "--grid", "--positions", "-4..-1", "--out", dir);
        Assert.True(code == ExitCodes.Ok, error);
        var lines = File.ReadAllLines(Path.Combine(dir, "grid.csv"));
        Assert.Equal("layer,position,index,token,p_target_rule,p_source_rule,p_source_literal", lines[0]);
        Assert.Equal(1 + 2 * 4, lines.Length); // the tiny model's 2 layers × 4 positions
        Assert.Equal(["-4", "-3", "-2", "-1"], lines.Skip(1).Take(4).Select(l => l.Split(',')[1]));
        foreach (var png in Probing.IclHarness.Icl.Patching.IclPatchGridWriter.HeatmapFiles) Assert.True(new FileInfo(Path.Combine(dir, png)).Length > 0, png);
        Assert.Contains("\"patch_grid\"", File.ReadAllText(Path.Combine(dir, "run.json")));
        Assert.Contains("aligned by offset from the end", output);
    }

    [Theory]
    [InlineData("--grid", "--positions", "-100000..-1")]
    [InlineData("--grid", "--positions", "-3..2")]
    [InlineData("--grid", "--positions", "a..b")]
    [InlineData("--positions", "-3..-1")]
    public void GivenABadGridSpan_WhenPatchRuns_ThenOneLineAndExit2(params string[] extra)
    {
        var (code, _, error) = Run(["icl", "patch", "--source", "2x+3", "--target", "3x+1", "--model", _model.ModelPath, "--examples", "3", "--threads", "1",
            "--out", Path.Combine(_model.Folder, "grid-bad-" + Guid.NewGuid().ToString("N")[..6]), .. extra]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--positions", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void GivenTinyModel_WhenBenchIclRuns_ThenEveryVariantHasARatioToThePlainDecode()
    {
        var (code, output, error) = Run("bench", "icl", "--model", _model.ModelPath, "--contexts", "2", "--examples", "3", "--rounds", "1", "--threads", "1");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("median of 1 rounds", output);
        foreach (var variant in new[] { "plain llama.cpp decode", "harness (no lens)", "harness with logit lens" })
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(variant)}\s+[0-9.]+ ms\s+[0-9.]+x  \[[0-9.]+-[0-9.]+\]  cpu\s+[0-9.]+x", output);
        Assert.Contains("1.00x  [1.00-1.00]", output);
        // The second reference (logits at the scored rows) and both ratios to it, with the rows it asked for.
        foreach (var variant in new[] { "harness / decode w/ logits at scored rows", "lens / decode w/ logits at scored rows" })
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(variant)}\s+[0-9.]+ ms\s+[0-9.]+x  \[[0-9.]+-[0-9.]+\]  cpu\s+[0-9.]+x", output);
        var rows = System.Text.RegularExpressions.Regex.Match(output, @"decode with logits at the ([0-9]+) scored rows\s+[0-9.]+ ms");
        Assert.True(rows.Success, output);
        Assert.InRange(int.Parse(rows.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 2 * 3, 2 * 3 * 6);
    }

    [Fact]
    public void GivenBothGeneratedAndModel_WhenBenchIclRuns_ThenOneLineAndExitCode2()
    {
        var (code, _, error) = Run("bench", "icl", "--generated", "--model", _model.ModelPath);
        Assert.Equal(2, code);
        Assert.Contains("--generated and --model", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--vocab", "128000", "--model", "pass --generated too")]
    [InlineData("--generated", "--vocab", "100", "--vocab must be")]
    [InlineData("--generated", "--vocab", "999999999", "--vocab must be")]
    [InlineData("--layers", "32", "--model", "pass --generated too")]
    [InlineData("--generated", "--layers", "0", "--layers must be")]
    [InlineData("--generated", "--layers", "81", "--layers must be")]
    [InlineData("--generated", "--layers", "-8", "--layers must be")]
    public void GivenAVocabularyOrDepthWithoutTheGeneratedModelOrOutOfRange_WhenBenchIclRuns_ThenOneLineAndExitCode2(string a, string b, string c, string expected)
    {
        string[] args = c == "--model" ? ["bench", "icl", a, b, c, _model.ModelPath] : ["bench", "icl", a, b, c];
        var (code, _, error) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void GivenACharacterVocabulary_WhenIclWritesLensIntegers_ThenIntegersWithoutATokenHaveEmptyCellsNotZero()
    {
        // The tiny model's vocabulary has single digits only: 10..12 have no token, so no probability was measured.
        var dir = Path.Combine(_model.Folder, "lens-integers");
        var (code, _, error) = Run(Args(dir, "--max-integer", "12"));
        Assert.True(code == ExitCodes.Ok, error);

        var rows = File.ReadAllLines(Path.Combine(dir, "lens_integers.csv")).Skip(1).Select(line => line.Split(',')).ToList();

        Assert.Equal(2 * 13, rows.Count);
        foreach (var row in rows)
        {
            var n = int.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture);
            if (n >= 10) Assert.Equal("", row[2]);
            else Assert.InRange(double.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture), double.Epsilon, 1);
        }
    }

    [Fact]
    public void GivenAnIclRunsExamplesCsv_WhenBayesFitReadsIt_ThenItFitsTheMeanPerExampleIndexAsTheRunDid()
    {
        // examples.csv has one row per example of each context; fitted as one series, context 2's first example
        // would be read as shot 9 (the tryout got θ₀ 0.645 against the run's 0.264).
        var bundled = Probing.IclHarness.Icl.BundledModel.Find(Probing.IclHarness.Icl.BundledModel.RelativePath, AppContext.BaseDirectory)
            ?? throw new FileNotFoundException("models/icl-linear-tiny.gguf not found above the test folder");
        var dir = Path.Combine(_model.Folder, "fit-examples");
        var run = Run("icl", "--task", "2x+3", "--model", bundled, "--contexts", "4", "--examples", "8", "--threads", "1",
            "--no-plots", "--no-lens", "--sweep-shots", "", "--out", dir);
        Assert.True(run.Code == ExitCodes.Ok, run.Error);
        using var fitJson = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "fit.json")));
        string Fixed(string key) => fitJson.RootElement.GetProperty(key).GetDouble().ToString("0.00000", System.Globalization.CultureInfo.InvariantCulture);

        var (code, output, error) = Run("bayes", "fit", "--csv", Path.Combine(dir, "examples.csv"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Matches($@"theta0 \(prior P\(A\)\)\s*│\s*{Fixed("theta0")}\s", output);
        Assert.Matches($@"c \(sensitivity\)\s*│\s*{Fixed("c")}\s", output);
        Assert.Contains("mean over 4 contexts per example index (as probe icl fits), N = 8", output);
    }

    [Fact]
    public void GivenTheBundledModelAndATemplateOutsideItsVocabulary_WhenIclRuns_ThenOneLineAndExitCode2()
    {
        // The bundled model knows digits, '(', ')', ',' and space; the arrow template needs '-', '>' and '\n'.
        var bundled = Probing.IclHarness.Icl.BundledModel.Find(Probing.IclHarness.Icl.BundledModel.RelativePath, AppContext.BaseDirectory)
            ?? throw new FileNotFoundException("models/icl-linear-tiny.gguf not found above the test folder");
        var (code, _, error) = Run("icl", "--task", "2x+3", "--model", bundled, "--template", "arrow", "--contexts", "1", "--examples", "2",
            "--threads", "1", "--out", Path.Combine(_model.Folder, "arrow-bundled"));
        Assert.Equal(2, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("no token for", error);
        Assert.False(File.Exists(Path.Combine(_model.Folder, "arrow-bundled", "examples.csv")));
    }

    [Fact]
    public void GivenCtrlCBeforeAnyLayerFinished_WhenTaskVector_ThenItSaysNothingWasKeptAndLeavesNoFolder()
    {
        var dir = Path.Combine(_model.Folder, "tv-interrupted");
        var (code, _, error) = RunCancelled("icl", "task-vector", "--task", "2x+3", "--model", _model.ModelPath, "--examples", "3", "--contexts", "2",
            "--queries", "3", "--threads", "1", "--out", dir);
        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.DoesNotContain("finished work was kept", error);
        Assert.Contains("nothing was kept", error);
        Assert.False(Directory.Exists(dir));
    }

    // The CLI in-process with Ctrl-C already pressed: the command sees a cancelled token, as after a real Ctrl-C.
    private static (int Code, string Out, string Error) RunCancelled(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = ProbeApp.BuildRoot(new CliContext(output, error, new CancellationToken(canceled: true)));
        int code;
        try
        {
            code = root.Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            code = ProbeApp.ReportFailure(ex, error, cancelled: true);
        }
        return (code, output.ToString(), error.ToString());
    }
}
