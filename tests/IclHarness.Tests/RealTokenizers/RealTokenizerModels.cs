using Probing.Gguf;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.RealTokenizers;

/// <summary>
/// Tiny random-weight llama models that carry real tokenizers: the <c>tokenizer.*</c> metadata of llama.cpp's
/// vocab-only GGUFs (<see cref="LlamaVocabFiles"/>) copied into a <see cref="TinyLlamaBuilder"/> model. Built
/// once per test run in a temp folder, loaded on first use; shared through the "real-tokenizers" collection.
/// </summary>
public sealed class RealTokenizerModels : IDisposable
{
    private readonly Dictionary<string, (LlamaModel Model, LlamaScoringModel Scoring)> _loaded = [];

    public RealTokenizerModels()
    {
        Folder = Path.Combine(Path.GetTempPath(), "probing-realtok-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    /// <summary>Small enough to build in a second even at Gemma's 262,144 tokens, F32 so numbers are exact.</summary>
    public static TinyLlamaConfig Config => new(NLayer: 2, NEmbd: 32, NHead: 4, NHeadKv: 2, NFf: 64, NCtx: 512, Seed: 3);

    /// <summary>The tiny model carrying vocabulary <paramref name="name"/> (see <see cref="LlamaVocabFiles.Names"/>).</summary>
    public string PathOf(string name, TinyLlamaConfig? config = null)
    {
        var c = config ?? Config;
        var path = Path.Combine(Folder, $"tiny-{name}-{c.GetHashCode():x8}.gguf");
        lock (_loaded)
        {
            if (File.Exists(path)) return path;
            using var vocab = GgufReader.Open(LlamaVocabFiles.PathOf(name));
            TinyLlamaBuilder.Build(c, vocab).Write(path);
        }
        return path;
    }

    internal LlamaModel Model(string name) => Load(name).Model;

    internal LlamaScoringModel Scoring(string name) => Load(name).Scoring;

    internal ModelIdentity Identity(string name) => IclHarnessRun.Identity(PathOf(name), Scoring(name));

    private (LlamaModel Model, LlamaScoringModel Scoring) Load(string name)
    {
        var path = PathOf(name);
        lock (_loaded)
        {
            if (_loaded.TryGetValue(name, out var pair)) return pair;
            var model = LlamaModel.Load(path);
            pair = (model, new LlamaScoringModel(model, ownsModel: false, threads: 1));
            _loaded[name] = pair;
            return pair;
        }
    }

    public void Dispose()
    {
        foreach (var (model, scoring) in _loaded.Values)
        {
            scoring.Dispose();
            model.Dispose();
        }
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("real-tokenizers")]
public sealed class RealTokenizerCollection : ICollectionFixture<RealTokenizerModels>;
