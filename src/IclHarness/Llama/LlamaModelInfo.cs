namespace Probing.IclHarness.Llama;

/// <summary>What llama.cpp reports about a loaded model.</summary>
/// <param name="Path">The GGUF file.</param>
/// <param name="Architecture"><c>general.architecture</c>, e.g. <c>llama</c>.</param>
/// <param name="LayerCount">n_layer (TransformerLens <c>n_layers</c>).</param>
/// <param name="EmbeddingSize">n_embd (<c>d_model</c>).</param>
/// <param name="VocabularySize">n_vocab (<c>d_vocab</c>).</param>
/// <param name="QuantType">The model file type as llama.cpp names it, e.g. <c>Q8_0</c> or <c>all F32</c>.</param>
/// <param name="TrainingContextLength">n_ctx_train.</param>
/// <param name="VocabType">Tokenizer kind: spm, bpe, wpm, ugm, rwkv, plamo2, none.</param>
/// <param name="Description">llama.cpp's one-line description (type, size, quant).</param>
/// <param name="ParameterCount">Number of parameters.</param>
public sealed record LlamaModelInfo(
    string Path, string Architecture, int LayerCount, int EmbeddingSize, int VocabularySize, string QuantType,
    int TrainingContextLength, string VocabType, string Description, long ParameterCount);
