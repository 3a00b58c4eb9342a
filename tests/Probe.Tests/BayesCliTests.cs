using System.Text.Json;
using Probing.Cli;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

public sealed class BayesCliTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("probe-bayes-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static void AssertOneLineBadInput((int Code, string Out, string Error) result, string expectedFragment)
    {
        Assert.Equal(ExitCodes.BadInput, result.Code);
        var lines = result.Error.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("probe: ", lines[0]);
        Assert.Contains(expectedFragment, lines[0]);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void GivenSeedParameters_WhenSimulate_ThenCsvPngsRunJsonAndTableWritten()
    {
        var folder = Path.Combine(_temp, "sim");

        var result = Run("bayes", "simulate", "--c", "0.693", "--theta0", "0.05", "--steps", "20", "--out", folder);

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Equal("", result.Error);
        Assert.Contains("P(A)", result.Out);
        Assert.Contains("total information", result.Out);
        var csv = File.ReadAllLines(Path.Combine(folder, "simulate.csv"));
        Assert.Equal("example,p_a,surprisal_nats,surprisal_bits,cumulative_nats", csv[0]);
        Assert.Equal(21, csv.Length);
        var first = csv[1].Split(',');
        Assert.Equal(0.05, double.Parse(first[1], System.Globalization.CultureInfo.InvariantCulture), 12);
        Assert.Equal(-Math.Log(0.05), double.Parse(first[2], System.Globalization.CultureInfo.InvariantCulture), 12);
        foreach (var png in new[] { "simulated-prior.png", "simulated-surprisal.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, png));
            Assert.True(bytes.Length > 10_000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }

        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        Assert.Equal("bayes simulate", run.RootElement.GetProperty("command").GetString());
        Assert.Equal(0.693, run.RootElement.GetProperty("parameters").GetProperty("c").GetDouble());
        Assert.Equal(20, run.RootElement.GetProperty("parameters").GetProperty("steps").GetInt32());
        Assert.False(string.IsNullOrEmpty(run.RootElement.GetProperty("version").GetString()));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("--c", "1.5", "--c")]
    [InlineData("--c", "0", "--c")]
    [InlineData("--theta0", "-0.1", "--theta0")]
    [InlineData("--steps", "0", "--steps")]
    [InlineData("--c", "abc", "abc")]
    [InlineData("--no-such-option", "1", "--no-such-option")]
    public void GivenBadSimulateInput_WhenRun_ThenOneLineExit2AndNothingWritten(string option, string value, string fragment)
    {
        var folder = Path.Combine(_temp, "bad");

        var result = Run("bayes", "simulate", option, value, "--out", folder);

        AssertOneLineBadInput(result, fragment);
        Assert.False(Directory.Exists(folder));
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void GivenUniformPrior_WhenBetaBernoulliJson_ThenExactKeysAndReferenceValue()
    {
        var result = Run("bayes", "beta-bernoulli", "--alpha", "1", "--beta", "1", "--length", "20", "--json");

        Assert.Equal(ExitCodes.Ok, result.Code);
        using var json = JsonDocument.Parse(result.Out);
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["mean_loss_nats", "known_p_floor_nats", "per_position_nats"], names);
        Assert.Equal(0.5574, json.RootElement.GetProperty("mean_loss_nats").GetDouble(), 4);
        Assert.Equal(0.5, json.RootElement.GetProperty("known_p_floor_nats").GetDouble(), 12);
        var perPosition = json.RootElement.GetProperty("per_position_nats").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(20, perPosition.Length);
        Assert.Equal(Math.Log(2), perPosition[0], 12);
        Assert.Equal(json.RootElement.GetProperty("mean_loss_nats").GetDouble(), perPosition.Average(), 12);
    }

    [Fact]
    public void GivenDefaults_WhenBetaBernoulliTable_ThenPrintsMeanLossAndLabelledFloor()
    {
        var result = Run("bayes", "beta-bernoulli", "--length", "10");

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Contains("0.585400", result.Out);
        Assert.Contains("known-p floor", result.Out);
        Assert.Contains("not the Bayes loss", result.Out);
    }

    [Theory]
    [InlineData("--alpha", "0")]
    [InlineData("--alpha", "-2")]
    [InlineData("--beta", "0")]
    [InlineData("--length", "0")]
    public void GivenBadPrior_WhenBetaBernoulli_ThenOneLineExit2(string option, string value) =>
        AssertOneLineBadInput(Run("bayes", "beta-bernoulli", option, value, "--json"), option);

    [Fact]
    public void GivenSimulatedCsv_WhenFit_ThenRecoversParameters()
    {
        var folder = Path.Combine(_temp, "sim");
        Assert.Equal(ExitCodes.Ok, Run("bayes", "simulate", "--c", "0.6", "--theta0", "0.2", "--steps", "15", "--out", folder).Code);

        var result = Run("bayes", "fit", "--csv", Path.Combine(folder, "simulate.csv"));

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Contains("0.20000", result.Out);
        Assert.Contains("0.60000", result.Out);
        Assert.Contains("column: p_a, N = 15", result.Out);
        Assert.Contains("RMSE", result.Out);
        Assert.Contains("log-likelihood", result.Out);
    }

    [Fact]
    public void GivenNamedColumnAndBootstrap_WhenFit_ThenIntervalsPrinted()
    {
        var csv = Path.Combine(_temp, "lm.csv");
        File.WriteAllText(csv, "k,model_p\n1,0.04\n2,0.12\n3,0.19\n4,0.41\n5,0.55\n6,0.79\n7,0.85\n8,0.95\n9,0.96\n10,0.99\n");

        var result = Run("bayes", "fit", "--csv", csv, "--column", "model_p", "--bootstrap", "100", "--seed", "3");

        Assert.Equal(ExitCodes.Ok, result.Code);
        Assert.Contains("bootstrap percentiles, 100 resamples, seed 3", result.Out);
        Assert.Contains("column: model_p, N = 10", result.Out);
    }

    [Fact]
    public void GivenRowsOfSeveralContextsWithQuotedCells_WhenFit_ThenTheMeanPerIndexIsFitted()
    {
        // Two contexts whose mean per index is exactly the single series of the other file; a quoted "," cell
        // (a first_token) must not shift the columns.
        var grouped = Path.Combine(_temp, "examples.csv");
        var single = Path.Combine(_temp, "means.csv");
        var means = new[] { 0.1, 0.2, 0.35, 0.5, 0.7, 0.8, 0.9 };
        var rows = new List<string> { "context,index,p_correct,first_token" };
        for (var context = 1; context <= 2; context++)
            rows.AddRange(means.Select((p, i) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{context},{i + 1},{(context == 1 ? p - 0.05 : p + 0.05)},\",\"")));
        File.WriteAllLines(grouped, rows);
        File.WriteAllLines(single, ["p_correct", .. means.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        var fromGroups = Run("bayes", "fit", "--csv", grouped);
        var fromMeans = Run("bayes", "fit", "--csv", single);

        Assert.True(fromGroups.Code == ExitCodes.Ok, fromGroups.Error);
        Assert.Contains("column: p_correct, mean over 2 contexts per example index (as probe icl fits), N = 7", fromGroups.Out);
        string Table(string output) => output[..output.IndexOf("intervals:", StringComparison.Ordinal)];
        Assert.Equal(Table(fromMeans.Out), Table(fromGroups.Out));
    }

    [Theory]
    [InlineData("k,p_correct\n1,0.2\n2,abc\n", "line 3")]
    [InlineData("k,p_correct\n1,0.2\n2\n", "line 3")]
    [InlineData("", "empty")]
    [InlineData("k,p_correct\n", "no data rows")]
    [InlineData("a,b\n1,0.5\n2,0.6\n", "--column")]
    [InlineData("context,index,p_correct\n1,1,0.2\n1,3,0.4\n", "no row has index 2")]
    [InlineData("context,index,p_correct\n1,1,0.2\n1,1,0.4\n", "context 1 has a second row for example 1")] // as lens.csv's one row per layer
    [InlineData("context,index,p_correct\n1,1,0.2\n1,two,0.4\n", "index 'two' is not a positive whole number")]
    [InlineData("p_correct\n0.2\n1.7\n", "[0, 1]")]
    [InlineData("p_correct\n1\n1\n1\n", "strictly between 0 and 1")]
    public void GivenMalformedCsv_WhenFit_ThenOneLineExit2(string content, string fragment)
    {
        var csv = Path.Combine(_temp, "bad.csv");
        File.WriteAllText(csv, content);
        var before = Directory.GetFileSystemEntries(_temp).Length;

        var result = Run("bayes", "fit", "--csv", csv);

        AssertOneLineBadInput(result, fragment);
        Assert.Equal(before, Directory.GetFileSystemEntries(_temp).Length);
    }

    [Theory]
    [InlineData("1e-300", "1", "Beta(1E-300, 1)")]
    [InlineData("0.0004", "2.5e9", "Beta(4E-4, 2.5E+9)")]
    [InlineData("0.5", "10", "Beta(0.5, 10)")]
    public void GivenTinyOrHugePriorParameters_WhenBetaBernoulli_ThenTheLabelShowsThemNotZero(string alpha, string beta, string label)
    {
        var result = Run("bayes", "beta-bernoulli", "--alpha", alpha, "--beta", beta, "--length", "3");

        Assert.True(result.Code == ExitCodes.Ok, result.Error);
        Assert.Contains($"N = 3, {label}", result.Out);
    }

    [Fact]
    public void GivenMissingCsv_WhenFit_ThenOneLineExit2NamingTheFile() =>
        AssertOneLineBadInput(Run("bayes", "fit", "--csv", Path.Combine(_temp, "missing.csv")), "missing.csv");

    [Fact]
    public void GivenUnknownColumn_WhenFit_ThenOneLineExit2ListingColumns()
    {
        var csv = Path.Combine(_temp, "cols.csv");
        File.WriteAllText(csv, "k,p_correct\n1,0.2\n2,0.4\n");
        AssertOneLineBadInput(Run("bayes", "fit", "--csv", csv, "--column", "nope"), "k, p_correct");
    }

    [Fact]
    public void GivenNoSubcommand_WhenBayes_ThenOneLineExit2ListingCommands() =>
        AssertOneLineBadInput(Run("bayes"), "simulate, beta-bernoulli, fit or n-recurrence");

    [Fact]
    public void GivenDeterministicSmallSetting_WhenNRecurrenceJson_ThenTargetsBeyond3nNearlyFreeAndShapeRight()
    {
        var result = Run("bayes", "n-recurrence", "--vocab", "16", "--min-n", "2", "--max-n", "5", "--context", "32", "--sequences", "40", "--json");

        Assert.Equal(ExitCodes.Ok, result.Code);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(["ideal_loss_nats", "ideal_target_loss_nats", "per_position_nats"], json.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.True(json.RootElement.GetProperty("ideal_target_loss_nats").GetDouble() < 0.05);
        var perPosition = json.RootElement.GetProperty("per_position_nats").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(31, perPosition.Length);
        Assert.Equal(Math.Log(16), perPosition[0], 9); // one token says nothing about the rule
        Assert.True(perPosition[^1] < Math.Log(16));
    }

    [Theory]
    [InlineData("--context", "10", "3 × --max-n")]
    [InlineData("--transition", "sideways", "--transition")]
    [InlineData("--fake-target", "far", "--fake-target")]
    [InlineData("--vocab", "1", "--vocab")]
    [InlineData("--p-noise", "1.5", "p_noise")]
    public void GivenBadNRecurrenceInput_WhenRun_ThenOneLineExit2(string option, string value, string fragment) =>
        AssertOneLineBadInput(Run("bayes", "n-recurrence", option, value), fragment);

    [Theory]
    [InlineData("n-recurrence")]
    [InlineData("simulate")]
    [InlineData("beta-bernoulli")]
    [InlineData("fit")]
    public void GivenHelp_WhenRun_ThenEveryOptionHasADescription(string command)
    {
        var result = Run("bayes", command, "--help");

        Assert.Equal(ExitCodes.Ok, result.Code);
        var optionLines = result.Out.Split('\n').Where(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(optionLines);
        // Each option line is "  --name <value>   Description…": a description follows the usage column.
        Assert.All(optionLines, line => Assert.Matches(@"^\s+--\S+(\s+<[\w-]+>)?(\s+\(REQUIRED\))?\s{2,}\S", line));
    }
}
