using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Probing.Cli;
using Probing.IclHarness.Icl;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

/// <summary>
/// The bad-input corpus of issue #14 (parts 1, 4 and 6): a representative case of every class, run through the
/// CLI in-process as a user would type it. Bad input gets one line naming the problem and exit code 2; locale and
/// numeric edge cases get the right output. Every case is refused before any model work, so the corpus runs in seconds.
/// </summary>
public sealed partial class BadInputCorpusTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("probe-corpus-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Model => BundledModel.Find() ?? throw new InvalidOperationException("models/icl-linear-tiny.gguf is part of the repository");

    private string File(string name, string text)
    {
        var path = Path.Combine(_temp, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Exit 2, exactly one line starting "probe: ", naming <paramref name="fragment"/>, with no .NET internals.</summary>
    private static void AssertOneLine((int Code, string Out, string Error) result, string fragment)
    {
        Assert.True(result.Code == ExitCodes.BadInput, $"exit {result.Code}: {result.Error}");
        var lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("probe: ", lines[0]);
        Assert.Contains(fragment, lines[0]);
        foreach (var internals in new[] { "System.", "Probing.", "Exception", "   at ", "`1", "(Parameter '" }) Assert.DoesNotContain(internals, lines[0]);
        Assert.All(lines[0], c => Assert.False(char.IsControl(c), $"control character U+{(int)c:X4} echoed"));
    }

    private static T InCulture<T>(string culture, Func<T> work)
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            return work();
        }
        finally
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = saved;
        }
    }

    // ---- 1. Numbers never depend on the locale -------------------------------------------------------------

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    [InlineData("it-IT")]
    public void GivenAEuropeanLocale_WhenNumbersAreGivenWithADecimalPoint_ThenTheResultIsTheInvariantOne(string culture)
    {
        string[] betaBernoulli = ["bayes", "beta-bernoulli", "--alpha", "0.5", "--beta", "0.5", "--length", "3", "--json"];
        string[] nRecurrence = ["bayes", "n-recurrence", "--stochastic", "--p-noise", "0.1", "--p-transition", "0.05", "--sequences", "20", "--json"];
        var expected = InCulture("", () => (Run(betaBernoulli).Out, Run(nRecurrence).Out));

        var (code, output, error) = InCulture(culture, () => Run(betaBernoulli));
        var noise = InCulture(culture, () => Run(nRecurrence));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(expected.Item1, output);
        Assert.Equal(expected.Item2, noise.Out);
        // α = β = ½ for three flips: ln 2, then the exact Jeffreys-prior losses (not the α = β = 5 answer).
        Assert.Equal(0.5888966756561561, JsonDocument.Parse(output).RootElement.GetProperty("mean_loss_nats").GetDouble(), 12);
    }

    [Theory]
    [InlineData("", "1,5")]
    [InlineData("de-DE", "1,5")]
    [InlineData("fr-FR", "2,5")]
    [InlineData("", "1_000")]
    [InlineData("", "1.000,5")]
    public void GivenADecimalComma_WhenParsed_ThenItIsAOneLineErrorNotFifteen(string culture, string value) =>
        AssertOneLine(InCulture(culture, () => Run("bayes", "beta-bernoulli", "--alpha", value, "--json")), "--alpha");

    [Theory]
    [InlineData("toy", "train", "--task", "copy", "--steps", "1.5")]
    [InlineData("toy", "train", "--task", "copy", "--steps", "1e3")]
    [InlineData("bayes", "beta-bernoulli", "--length", "1,000")]
    [InlineData("bayes", "beta-bernoulli", "--alpha", "NaN")]
    [InlineData("bayes", "beta-bernoulli", "--alpha", "Infinity")]
    [InlineData("icl", "--task", "2x+3", "--contexts", "99999999999")]
    [InlineData("bench", "icl", "--contexts", "2147483647")]
    [InlineData("bench", "icl", "--generated", "--layers", "1.5")]
    [InlineData("icl", "patch", "--source", "2x+3", "--target", "3x+1", "--examples", "2147483647")]
    public void GivenAMalformedNumber_WhenParsed_ThenOneLineNamesTheFlagWithoutADotNetTypeName(params string[] args) =>
        AssertOneLine(Run(args), args[^2]);

    [Fact]
    public void GivenALocaleInTheEnvironment_WhenTheProbeProcessRuns_ThenNumbersAreReadInvariantly()
    {
        // A real process with LC_ALL set: .NET takes the culture from ICU whether or not glibc has the locale.
        var probe = typeof(ProbeApp).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { probe, "bayes", "beta-bernoulli", "--alpha", "0.5", "--beta", "0.5", "--length", "3", "--json" }) start.ArgumentList.Add(a);
        start.Environment["LC_ALL"] = "de_DE.UTF-8";
        start.Environment["LANG"] = "de_DE.UTF-8";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));

        Assert.True(process.ExitCode == 0, error);
        Assert.Equal(InCulture("", () => Run("bayes", "beta-bernoulli", "--alpha", "0.5", "--beta", "0.5", "--length", "3", "--json")).Out, output);
    }

    // ---- 4. Sizes are bounded before anything is allocated -------------------------------------------------

    [Fact]
    public void GivenAContextLargerThanTheModelWasTrainedOn_WhenLens_ThenOneLineNamesCtx() =>
        AssertOneLine(Run("lens", "--model", Model, "--prompt", "(1, 5)", "--ctx", "2000000000", "--out", Path.Combine(_temp, "lens")), "--ctx");

    [Theory]
    [InlineData("3", 19, "pass --ctx 19 or more (at most 144")]
    [InlineData(null, 160, "longer than the model's training context (144 tokens)")]
    [InlineData("144", 160, "longer than the model's training context (144 tokens)")]
    public void GivenAPromptLongerThanCtxOrTheTrainingContext_WhenLens_ThenOneLineSaysByHowMuchBeforeAnyDecode(string? ctx, int length, string fragment)
    {
        var prompt = string.Concat(Enumerable.Repeat("1", length)); // the bundled model's tokens are characters, and it adds no BOS
        string[] args = ["lens", "--model", Model, "--prompt", prompt, "--out", Path.Combine(_temp, "lens-long-" + length + ctx)];
        var result = Run(ctx is null ? args : [.. args, "--ctx", ctx]);
        AssertOneLine(result, fragment);
        Assert.Contains($"the prompt is {length} tokens", result.Error);
        Assert.False(Directory.Exists(Path.Combine(_temp, "lens-long-" + length + ctx)), "a refused run leaves no folder");
    }

    [Fact]
    public void GivenACtxBelowLlamaCppsPadding_WhenLensRuns_ThenRunJsonRecordsTheCtxPassed()
    {
        var folder = Path.Combine(_temp, "lens-ctx-32");
        var result = Run("lens", "--model", Model, "--prompt", "(1, 5)", "--ctx", "32", "--threads", "1", "--out", folder);
        Assert.True(result.Code == ExitCodes.Ok, result.Error);
        Assert.Contains("\"ctx\": 32", System.IO.File.ReadAllText(Path.Combine(folder, "run.json")));
    }

    [Theory]
    [InlineData("100000")]
    [InlineData("-1")]
    public void GivenAnAbsurdThreadCount_WhenAnyCommandParsesIt_ThenOneLineNamesThreads(string threads)
    {
        AssertOneLine(Run("lens", "--model", Model, "--prompt", "(1, 5)", "--threads", threads), "--threads");
        AssertOneLine(Run("toy", "train", "--task", "copy", "--threads", threads), "--threads");
        AssertOneLine(Run("icl", "--task", "2x+3", "--threads", threads), "--threads");
    }

    [Theory]
    [InlineData("{\"model\": {\"n_layers\": 100000000}}", "n_layers")]
    [InlineData("{\"model\": {\"d_model\": 2000000000}}", "d_model")]
    [InlineData("{\"model\": {\"n_ctx\": 2000000000}}", "n_ctx")]
    [InlineData("{\"model\": {\"d_vocab\": 2000000000}}", "d_vocab")]
    public void GivenAConfigTooLargeForTheMachine_WhenTraining_ThenOneLineNamesTheFieldBeforeAllocating(string json, string field) =>
        AssertOneLine(Run("toy", "train", "--task", "copy", "--config", File("big.json", json), "--out", Path.Combine(_temp, "run")), field);

    [Fact]
    public void GivenHugeContexts_WhenIcl_ThenOneLineNamesContexts() =>
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--contexts", "2147483647", "--out", Path.Combine(_temp, "icl")), "--contexts");

    [Fact]
    public void GivenAFifoAsTheModel_WhenLens_ThenOneLineInsteadOfAHang()
    {
        var fifo = Path.Combine(_temp, "model.gguf");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        AssertOneLine(Run("lens", "--model", fifo, "--prompt", "(1, 5)"), "not a regular file");
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", fifo), "not a regular file");
        AssertOneLine(Run("model", "info", "--model", fifo), "not a regular file");
        AssertOneLine(Run("toy", "train", "--task", "copy", "--config", fifo), "not a regular file");
        AssertOneLine(Run("toy", "sweep", "--task", "copy", "--grid", fifo), "not a regular file");
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--template", fifo), "not a regular file");
        AssertOneLine(Run("bayes", "fit", "--csv", fifo), "not a regular file");
    }

    // ---- 6. Everything else: validated before work, nothing silently accepted, readable messages -------------

    [Theory]
    [InlineData("icl", "--task", "2x+3", "--model", "")]
    [InlineData("toy", "train", "--task", "copy", "--out", "")]
    [InlineData("lens", "--prompt", "x", "--model", "")]
    public void GivenAnEmptyPath_WhenParsed_ThenOneLineInsteadOfADefault(params string[] args) => AssertOneLine(Run(args), args[^2]);

    [Fact]
    public void GivenSweepShotsBeyondTheExamples_WhenIcl_ThenOneLineInsteadOfDroppingThem() =>
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--sweep-shots", "0,1,99", "--out", Path.Combine(_temp, "icl")), "--sweep-shots");

    [Theory]
    [InlineData("0,,1")]
    [InlineData("0,1,")]
    public void GivenAnEmptySweepShotsEntry_WhenIcl_ThenOneLineInsteadOfSkippingIt(string shots) =>
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--sweep-shots", shots, "--out", Path.Combine(_temp, "icl")), "--sweep-shots '" + shots + "' has an empty entry");

    [Theory]
    [InlineData("icl", "--task", "2x+3", "--epsilon", "1e-400")]
    [InlineData("bayes", "beta-bernoulli", "--json", "--alpha", "-0.0001e-330")]
    public void GivenANumberBelowTheSmallestDouble_WhenParsed_ThenOneLineInsteadOfReadingZero(params string[] args) =>
        AssertOneLine(Run(args), $"{args[^2]} '{args[^1]}' is too small for a double and would be read as 0");

    [Fact]
    public void GivenZeroWrittenWithAnExponent_WhenParsed_ThenItIsZeroNotTooSmall() =>
        // Accepted as 0: the command goes on to refuse --examples 0.
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--epsilon", "0.000e-999", "--examples", "0", "--out", Path.Combine(_temp, "icl")), "--examples");

    [Theory]
    [InlineData("--family", "ax, a in -9223372036854775808..9223372036854775807", "--family has 18446744073709551616 members")]
    [InlineData("--task", "ax+b, a in 0..9223372036854775807, b in 0..1", "--task has 18446744073709551616 members")]
    [InlineData("--task", "ax+b, a in 0..3000, b in 0..3000", "the ideal learner takes the task's family as its hypotheses, and --task has 9006001 members, more than 1000000; narrow the ranges in --task, or pass a smaller family for the ideal learner with --family")]
    [InlineData("--task", "-a, a in -9223372036854775808..0", "beyond a 64-bit integer; narrow the range of 'a'")]
    [InlineData("--task", "ax+b, a in 0..5, b in 0..9, except x, x", "x is excluded twice at column 39; list each function once")]
    public void GivenAFamilyBeyondTheIdealLearnerOrTheLongs_WhenIcl_ThenOneLineBeforeAnyMemberIsMade(string flag, string value, string fragment)
    {
        string[] task = flag == "--task" ? [] : ["--task", "2x+3"];
        AssertOneLine(Run(["icl", .. task, flag, value, "--model", Model, "--contexts", "1", "--no-plots", "--no-lens", "--out", Path.Combine(_temp, "icl")]), fragment);
        Assert.False(Directory.Exists(Path.Combine(_temp, "icl")));
    }

    [Theory]
    [InlineData("--x-range", "9223372036854775808..9223372036854775809", "has an end beyond a 64-bit integer")]
    [InlineData("--x-range", "0..99999999999999999999", "has an end beyond a 64-bit integer")]
    [InlineData("--x-range", "-9223372036854775808..9223372036854775807", "--x-range spans more than 1001 values")]
    public void GivenAnXRangeAtOrBeyondTheEndsOfTheLongs_WhenIcl_ThenOneLineInUserTerms(string flag, string value, string fragment) =>
        AssertOneLine(Run("icl", "--task", "2x+3", flag, value, "--model", Model, "--out", Path.Combine(_temp, "icl")), fragment);

    [Theory]
    [InlineData("icl", "--task", "2x+3", "--contexts", "1", "--sweep-shots", "0", "--no-lens", "--no-plots")]
    [InlineData("icl", "patch", "--source", "2x+3", "--target", "3x+1")]
    [InlineData("icl", "task-vector", "--task", "2x+3", "--contexts", "1", "--queries", "1")]
    [InlineData("icl", "heads", "--task", "2x+3", "--contexts", "1", "--no-lens")]
    public void GivenAnXRangeEndingAtTheLargestLong_WhenAnIclCommandRuns_ThenOneLineSaysTheFunctionOverflowsThere(params string[] args)
    {
        var result = Run([.. args, "--x-range", "9223372036854775790..9223372036854775807", "--model", Model, "--threads", "1", "--out", Path.Combine(_temp, "x")]);
        AssertOneLine(result, "overflows a 64-bit integer at x = 92233720368547757");
        Assert.Contains("narrow --x-range", result.Error);
    }

    [Fact]
    public void GivenATemplateWithAnUnknownField_WhenIcl_ThenOneLineNamesTheField()
    {
        var template = File("t.json", "{\"prefix\": \"\", \"open\": \"(\", \"between\": \",\", \"answer_prefix\": \" \", \"close\": \")\", \"separator\": \", \", \"seperator\": \";\"}");
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--template", template, "--out", Path.Combine(_temp, "icl")), "seperator");
    }

    [Fact]
    public void GivenADuplicateKeyInATemplate_WhenIcl_ThenOneLineNamesTheKeyWithoutTheTypeName()
    {
        var template = File("d.json", "{\"prefix\": \"\", \"open\": \"(\", \"between\": \",\", \"answer_prefix\": \" \", \"close\": \")\", \"separator\": \", \", \"separator\": \";\"}");
        AssertOneLine(Run("icl", "--task", "2x+3", "--model", Model, "--template", template, "--out", Path.Combine(_temp, "icl")), "Duplicate property 'separator'");
    }

    [Fact]
    public void GivenADuplicateKey_WhenAConfigIsRead_ThenOneLineNamesTheKey() =>
        AssertOneLine(Run("toy", "train", "--task", "copy", "--config", File("dup.json", "{\"model\": {\"n_layers\": 1, \"n_layers\": 2}}"), "--out", Path.Combine(_temp, "run")), "n_layers");

    [Fact]
    public void GivenAWrongTypeInAConfig_WhenRead_ThenTheMessageSaysIntegerNotSystemInt32() =>
        AssertOneLine(Run("toy", "train", "--task", "copy", "--config", File("type.json", "{\"training\": {\"steps\": \"many\"}}"), "--out", Path.Combine(_temp, "run")), "an integer");

    [Theory]
    [InlineData("p_correct,p_correct\n0.5,0.6\n0.7,0.8\n", "appears 2 times")]
    [InlineData("p_correct\n0.5\n\n0.7\n0.8\n", "blank row")]
    [InlineData("p_correct\n0,5\n0,7\n0,8\n", "'.'")]
    [InlineData("p_correct\n0.5\nNaN\n0.8\n", "'NaN'")]
    public void GivenAnAmbiguousCsv_WhenBayesFit_ThenOneLineInsteadOfAGuess(string csv, string fragment) =>
        AssertOneLine(Run("bayes", "fit", "--csv", File("p.csv", csv)), fragment);

    [Fact]
    public void GivenTrailingBlankLines_WhenBayesFit_ThenTheyAreLayoutNotAnError() =>
        Assert.Equal(ExitCodes.Ok, Run("bayes", "fit", "--csv", File("p.csv", "p_correct\n0.2\n0.4\n0.6\n0.8\n0.9\n\n\n")).Code);

    [Theory]
    [InlineData("nosuchcmd")]
    [InlineData("bayes", "nosuchcmd")]
    public void GivenAnUnknownCommand_WhenRun_ThenOneLineNamesItAndTheHelpHintSaysProbe(params string[] args)
    {
        var result = Run(args);
        AssertOneLine(result, "'nosuchcmd'");
        Assert.Contains("see 'probe", result.Error);
    }

    [Fact]
    public void GivenAnOptionError_WhenRun_ThenTheHelpHintNamesTheFullCommand() =>
        Assert.Contains("(see 'probe bayes beta-bernoulli --help')", Run("bayes", "beta-bernoulli", "--alpha", "x").Error);

    [Fact]
    public void GivenBinaryInAnArgument_WhenEchoedInAMessage_ThenControlCharactersAreEscaped()
    {
        var result = Run("icl", "--task", "2x\u0001\u001b[31m", "--model", Model, "--out", Path.Combine(_temp, "icl"));
        AssertOneLine(result, "\\u0001");
    }

    [Fact]
    public void GivenTooFewBenchTokens_WhenBenchLlama_ThenRefusedBeforeAModelIsGenerated()
    {
        AssertOneLine(Run("bench", "llama", "--tokens", "0"), "--tokens");
    }

    [Fact]
    public void GivenAMissingCompareCheckpoint_WhenToyAnalyze_ThenRefusedBeforeAnyAnalysisIsWritten()
    {
        var checkpoint = Directory.CreateDirectory(Path.Combine(_temp, "ckpt")).FullName;
        var output = Path.Combine(_temp, "analysis");
        AssertOneLine(Run("toy", "analyze", "--task", "trigram", "--checkpoint", checkpoint, "--compare", Path.Combine(_temp, "missing"), "--out", output), "--compare");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void GivenAnUnknownTask_WhenToySweep_ThenRefusedBeforeAnythingIsPrinted()
    {
        var grid = File("grid.json", "{\"d_model\": [16], \"n_layers\": [1], \"n_heads\": [1]}");
        var result = Run("toy", "sweep", "--task", "no-such-task", "--grid", grid, "--out", Path.Combine(_temp, "sweep"));
        AssertOneLine(result, "no-such-task");
        Assert.DoesNotContain("sweep shard", result.Error);
    }

    [Fact]
    public void GivenResumeWithAnotherTask_WhenToyTrain_ThenOneLineInsteadOfIgnoringTask()
    {
        var run = Path.Combine(_temp, "copy-run");
        Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", run).Code);
        AssertOneLine(Run("toy", "train", "--resume", "--out", run, "--task", "trigram", "--steps", "4"), "--task");
    }

    [Fact]
    public async Task GivenSigterm_WhenTraining_ThenItStopsLikeCtrlCAndKeepsTheCheckpoint()
    {
        var run = Path.Combine(_temp, "sigterm-run");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { typeof(ProbeApp).Assembly.Location, "toy", "train", "--task", "copy", "--preset", "tiny", "--steps", "10000000", "--threads", "1", "--out", run })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        // The first progress line means training has started (the checkpoint folder exists).
        var started = process.StandardError.ReadLine();
        Assert.NotNull(started);
        while (process.StandardError.ReadLine() is { } line && !line.StartsWith("step ", StringComparison.Ordinal)) { }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        var rest = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the process did not stop after SIGTERM");

        Assert.True(process.ExitCode == ExitCodes.Terminated, $"exit {process.ExitCode}: {rest}");
        Assert.Contains("checkpoint:", await output);
        Assert.True(System.IO.File.Exists(Path.Combine(run, "model.safetensors")), string.Join(", ", Directory.GetFiles(run)));
    }

    [Fact]
    public void GivenCtrlC_WhenTrigramAnalysesRun_ThenTheyStopBeforeTheReport()
    {
        var config = File("tiny.json", """
            {"model": {"d_vocab": 6, "n_ctx": 8, "d_model": 8, "d_head": 4, "d_mlp": 8},
             "task": {"d_vocab": 6, "trigram_prob": 0.3, "eval_size": 20},
             "training": {"steps": 2, "batch_size": 8, "eval_every": 0, "checkpoint_every": 0}}
            """);
        var run = Path.Combine(_temp, "trigram-run");
        Assert.Equal(ExitCodes.Ok, Run("toy", "train", "--task", "trigram", "--config", config, "--out", run, "--threads", "1").Code);
        var output = Path.Combine(_temp, "trigram-analysis");

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Probing.ToyModels.Tasks.Trigram.Analysis.TrigramCheckpointAnalysis.Run(run, output, run, new CancellationToken(canceled: true)));

        Assert.False(System.IO.File.Exists(Path.Combine(output, "report.md")));
        Assert.False(Directory.Exists(Path.Combine(output, "compare")));
    }

    [Fact]
    public void GivenAHugePrior_WhenBetaBernoulli_ThenTheLossIsNotBelowTheKnownPFloor()
    {
        foreach (var alpha in new[] { "1e13", "1e20", "1e300" })
        {
            var (code, output, error) = Run("bayes", "beta-bernoulli", "--alpha", alpha, "--beta", alpha, "--length", "5", "--json");
            Assert.True(code == ExitCodes.Ok, error);
            var root = JsonDocument.Parse(output).RootElement;
            var mean = root.GetProperty("mean_loss_nats").GetDouble();
            Assert.True(mean >= root.GetProperty("known_p_floor_nats").GetDouble(), output);
            Assert.True(mean <= Math.Log(2) + 1e-15, output);
        }
    }
}
