using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Tasks.IclLinear;
using static TorchSharp.torch;

namespace Probing.ToyModels.Tests.IclLinear;

public sealed partial class IclLinearTaskTests
{
    [GeneratedRegex(@"\((\d+), (\d+)\)")]
    private static partial Regex Pair();

    private static IToyTaskData Bind(JsonObject? options = null) =>
        ToyTaskRegistry.Get("icl-linear").Bind(options ?? IclLinearTask.DefaultOptions(), 144);

    [Fact]
    public void GivenTheDefaultFamily_WhenSampling_ThenEachRowIsOneTrainingFunctionInThePairsTemplateWithOnlyAnswersScored()
    {
        var data = Bind();
        using var scope = NewDisposeScope();
        var batch = data.Sample(64, new Random(9));
        var tokens = batch.Tokens.data<long>().ToArray();
        var targets = batch.Targets.data<long>().ToArray();
        var mask = batch.LossMask.data<float>().ToArray();
        for (var row = 0; row < 64; row++)
        {
            var text = string.Concat(Enumerable.Range(0, 144).Select(t => data.Tokenizer.Decode(tokens[row * 144 + t])))
                + data.Tokenizer.Decode(targets[row * 144 + 143]);
            Assert.StartsWith("(", text, StringComparison.Ordinal);
            var pairs = Pair().Matches(text).Select(m => (X: int.Parse(m.Groups[1].Value), Y: int.Parse(m.Groups[2].Value))).ToArray();
            Assert.True(pairs.Length >= 12, $"a 145-character row holds at least 12 complete examples: {text}");
            Assert.Equal(pairs.Length, pairs.Select(p => p.X).Distinct().Count());

            // Exactly one (a, b) of the family explains every pair, and it is not held out.
            var fits = (from a in Enumerable.Range(0, 6) from b in Enumerable.Range(0, 10)
                        where pairs.All(p => p.Y == a * p.X + b) select (a, b)).ToArray();
            var fit = Assert.Single(fits);
            Assert.DoesNotContain(fit, new[] { (4, 1), (3, 7), (1, 6) });

            // Scored characters are those of " y)": after ", " inside a pair up to and including ")".
            var inAnswer = false;
            for (var t = 0; t < 144; t++)
            {
                var next = text[t + 1];
                if (text[t] == ',' && next == ' ' && !text[..(t + 1)].EndsWith("),", StringComparison.Ordinal)) inAnswer = true;
                Assert.Equal(inAnswer ? 1f : 0f, mask[row * 144 + t]);
                Assert.Equal(text[t + 1].ToString(), data.Tokenizer.Decode(targets[row * 144 + t]));
                if (next == ')') inAnswer = false;
            }
        }
    }

    [Fact]
    public void GivenAUniformPredictor_WhenEvaluating_ThenEachExampleCostsLog2OfTheVocabularyPerAnswerCharacter()
    {
        var data = Bind(new JsonObject { ["eval_batch"] = 16, ["held_out"] = new JsonArray(new JsonArray(2, 3)) });
        var metrics = data.Evaluate(tokens => zeros(tokens.shape[0], tokens.shape[1], 14), new Random(3));
        var perChar = Math.Log2(14);
        // An answer " y)" has 3 to 5 characters (y in 0..104).
        foreach (var key in new[] { "bits_k1", "bits_k2", "bits_k8_12", "heldout_bits_k1", "heldout_bits_k8_12" })
            Assert.InRange(metrics[key], 3 * perChar - 1e-3, 5 * perChar + 1e-3);
        Assert.Equal(Math.Log(14), metrics["loss"], 1e-4);
    }

    [Theory]
    [InlineData("{\"held_out\": [[9, 9]]}")]
    [InlineData("{\"held_out\": [3]}")]
    [InlineData("{\"a_min\": 3, \"a_max\": 2}")]
    [InlineData("{\"colour\": 1}")]
    public void GivenBadOptions_WhenBinding_ThenAOneLineArgumentExceptionNamesTheProblem(string json)
    {
        var ex = Assert.Throws<ArgumentException>(() => Bind((JsonObject)JsonNode.Parse(json)!));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("icl-linear", ex.Message, StringComparison.Ordinal);
    }
}
