using Probing.Gguf;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Icl;

/// <summary>One tiny random llama model (character vocabulary with the ICL punctuation) shared by the ICL tests.</summary>
public sealed class IclModels : IDisposable
{
    public const string Vocabulary = "0123456789(),-> :\nIOabcdefghijklmnopqrstuvwxyz";

    public IclModels()
    {
        Folder = Path.Combine(Path.GetTempPath(), "probing-icl-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        ModelPath = TinyLlamaBuilder.Write(new TinyLlamaConfig(NLayer: 3, NEmbd: 64, NHead: 4, NHeadKv: 4, NFf: 128, NCtx: 256, Vocabulary: Vocabulary, Seed: 11),
            Path.Combine(Folder, "icl-tiny.gguf"));
        Model = LlamaModel.Load(ModelPath);
        Scoring = new LlamaScoringModel(Model, ownsModel: false, threads: 1);
    }

    public string Folder { get; }

    public string ModelPath { get; }

    internal LlamaModel Model { get; }

    internal LlamaScoringModel Scoring { get; }

    internal ModelIdentity Identity => IclHarnessRun.Identity(ModelPath, Scoring);

    public static PromptTemplate Template(string name = PromptTemplate.DefaultName) => PromptTemplate.Load(name, PromptTemplate.DefaultDirectory);

    public void Dispose()
    {
        Scoring.Dispose();
        Model.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("icl")]
public sealed class IclCollection : ICollectionFixture<IclModels>;
