namespace Probing.ToyModels.Export;

/// <summary>
/// A neutral description of a GGUF model: metadata (llama.cpp keys such as <c>general.architecture</c>,
/// <c>llama.block_count</c>) and F32 tensors. Metadata values are <see cref="string"/>, <see cref="uint"/>
/// (GGUF UINT32), <see cref="float"/> (FLOAT32) or <see cref="bool"/>. Tokenizer keys are not included:
/// the caller adds them from the task's token strings (<see cref="VocabularySize"/> of them).
/// </summary>
/// <param name="Architecture">GGUF architecture: <c>llama</c> or <c>gpt2</c>.</param>
/// <param name="Metadata">Key/value pairs in the order to write them.</param>
/// <param name="Tensors">Tensors in the order to write them.</param>
/// <param name="VocabularySize">How many token strings the tokenizer metadata must list (d_vocab).</param>
public sealed record GgufExport(
    string Architecture,
    IReadOnlyList<KeyValuePair<string, object>> Metadata,
    IReadOnlyList<GgufExportTensor> Tensors,
    int VocabularySize);
