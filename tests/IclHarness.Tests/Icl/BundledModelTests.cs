using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>The committed bundled model: its card's sha256, and that llama.cpp loads it and has learned 2x+3.</summary>
public sealed partial class BundledModelTests
{
    // 2x+3 after six examples: (x, 2x+3) pairs in the harness's default template.
    private const string Prompt = "(4, 11), (0, 3), (7, 17), (1, 5), (9, 21), (5, 13), (6,";

    private static string RepositoryFile(string relative) =>
        BundledModel.Find(relative, AppContext.BaseDirectory)
        ?? throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");

    [GeneratedRegex("sha256[^0-9a-f]*([0-9a-f]{64})", RegexOptions.IgnoreCase)]
    private static partial Regex Sha256Line();

    [Fact]
    public void GivenTheCommittedModel_WhenHashed_ThenItsSha256IsTheOneOnTheModelCard()
    {
        var card = File.ReadAllText(RepositoryFile(BundledModel.CardRelativePath));
        var match = Sha256Line().Match(card);
        Assert.True(match.Success, "the model card must state the model's sha256");

        using var stream = File.OpenRead(RepositoryFile(BundledModel.RelativePath));
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));

        Assert.Equal(match.Groups[1].Value.ToLowerInvariant(), actual);
    }

    [Fact]
    public void GivenTheCommittedModel_WhenLoadedThroughLlamaCpp_ThenItTokenizesCharactersAndHasLearned2xPlus3InContext()
    {
        var path = RepositoryFile(BundledModel.RelativePath);
        Assert.True(new FileInfo(path).Length <= 10 * 1024 * 1024, "the bundled model must stay at most 10 MB");
        using var model = LlamaModel.Load(path);
        Assert.Equal("llama", model.Info.Architecture);

        // One token per character, so the harness's prompt reaches the model exactly as in training.
        var tokens = model.Tokenize(Prompt, addSpecial: true);
        Assert.Equal(Prompt.Length, tokens.Length);
        Assert.Equal(Prompt, model.Detokenize(tokens));

        // 2x+3 in 16 fixed contexts of 8 examples, the 9th answer (" y)") teacher-forced: on average the model
        // must be much surer of it than a learner that knows the family but has seen no example
        // (log2 60 = 5.9 bits); random weights give about 4 * log2 14 = 15 bits.
        using var context = model.CreateContext(new LlamaContextOptions { Threads = 1, ContextSize = 256 });
        var bits = new List<double>();
        for (var seed = 0; seed < 16; seed++)
        {
            var xs = Enumerable.Range(0, 20).ToArray();
            new Random(seed).Shuffle(xs);
            var text = string.Join(", ", xs.Take(9).Select(x => $"({x}, {2 * x + 3})"));
            var answerLength = $" {2 * xs[8] + 3})".Length;
            var logProbs = context.Evaluate(model.Tokenize(text, addSpecial: true)).NextTokenLogProbs;
            bits.Add(-logProbs[^answerLength..].Sum() / Math.Log(2));
        }

        Assert.InRange(bits.Average(), 0, 3);
    }

    [Fact]
    public void GivenAFolderTreeWithTheModelAtItsRoot_WhenSearchingFromANestedFolder_ThenTheModelIsFound()
    {
        var root = Directory.CreateTempSubdirectory("probing-bundled-").FullName;
        try
        {
            var nested = Directory.CreateDirectory(Path.Combine(root, "src", "Probe", "bin")).FullName;
            Assert.Null(BundledModel.Find(BundledModel.RelativePath, nested));

            Directory.CreateDirectory(Path.Combine(root, "models"));
            var model = Path.Combine(root, BundledModel.RelativePath);
            File.WriteAllBytes(model, [1, 2, 3]);

            Assert.Equal(Path.GetFullPath(model), Path.GetFullPath(BundledModel.Find(BundledModel.RelativePath, nested)!));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("1 -> 5\n", "'-' (U+002D)")]
    [InlineData("Input: 1", "'I' (U+0049)")]
    [InlineData("(1, 5)\n", "'\\n' (U+000A)")]
    public void GivenCharactersOutsideTheVocabulary_WhenTokenized_ThenArgumentExceptionInsteadOfANativeAbort(string text, string named)
    {
        // The bundled vocabulary has 14 characters and no byte tokens; llama.cpp's SPM tokenizer would throw
        // std::out_of_range through the C API for anything else and end the process.
        using var model = LlamaModel.Load(RepositoryFile(BundledModel.RelativePath));
        var ex = Assert.Throws<ArgumentException>(() => model.Tokenize(text));
        Assert.Contains(named, ex.Message);
        Assert.NotEmpty(model.Tokenize(Prompt));
    }
}
