namespace Probing.ToyModels.Checkpoints;

/// <summary>
/// The contents of a safetensors file: named tensors in file order, plus the free-form string
/// metadata of the <c>__metadata__</c> header entry.
/// </summary>
/// <param name="Tensors">Tensors by name; enumeration order is the order they are written in.</param>
/// <param name="Metadata">The <c>__metadata__</c> string map (empty when the file has none).</param>
public sealed record SafeTensorsDocument(
    IReadOnlyDictionary<string, SafeTensorEntry> Tensors,
    IReadOnlyDictionary<string, string> Metadata);
