using Probing.Gguf;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>
/// Tiny random llama models (F32, F16, Q8_0, and F32 with tied embeddings) written once per test run
/// into a temp folder and loaded once; shared by the llama tests through the "llama" collection.
/// </summary>
public sealed class TinyModels : IDisposable
{
    private readonly Dictionary<string, LlamaModel> _models = [];

    public TinyModels()
    {
        Folder = Path.Combine(Path.GetTempPath(), "probing-llama-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public static TinyLlamaConfig Config(GgmlType type, bool tied = false) =>
        new(NLayer: 3, NEmbd: 64, NHead: 4, NHeadKv: 2, NFf: 128, NCtx: 256, TensorType: type, TiedEmbeddings: tied, Seed: 7);

    public string PathOf(GgmlType type, bool tied = false)
    {
        var path = Path.Combine(Folder, $"tiny-{type}{(tied ? "-tied" : "")}.gguf");
        lock (_models)
        {
            if (!File.Exists(path)) TinyLlamaBuilder.Write(Config(type, tied), path);
        }
        return path;
    }

    public LlamaModel Get(GgmlType type, bool tied = false)
    {
        lock (_models)
        {
            var key = $"{type}{tied}";
            if (!_models.TryGetValue(key, out var model)) _models[key] = model = LlamaModel.Load(PathOf(type, tied));
            return model;
        }
    }

    public void Dispose()
    {
        foreach (var model in _models.Values) model.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("llama")]
public sealed class LlamaCollection : ICollectionFixture<TinyModels>;
