namespace Probing.ToyModels.Export;

/// <summary>
/// A neutral description of a GGUF model: metadata (llama.cpp keys such as <c>general.architecture</c>,
/// <c>llama.block_count</c>) and F32 tensors. Metadata values are <see cref="string"/>, <see cref="uint"/>
/// (GGUF UINT32), <see cref="float"/> (FLOAT32), <see cref="bool"/>, or arrays of <see cref="string"/>,
/// <see cref="float"/> and <see cref="int"/>. Tokenizer keys are included only when the description was made with
/// the task's tokenizer (<see cref="GgufExporter.Describe(Model.HookedTransformer, Tasks.ToyTokenizer, string)"/>;
/// <see cref="VocabularySize"/> token strings).
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
