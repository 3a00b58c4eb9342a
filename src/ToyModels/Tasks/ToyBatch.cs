using static TorchSharp.torch;

namespace Probing.ToyModels.Tasks;

/// <summary>
/// One batch of task data. The model reads <see cref="Tokens"/>; the logits at position t are
/// scored against <see cref="Targets"/>[t] wherever <see cref="LossMask"/>[t] is 1.
/// </summary>
/// <param name="Tokens">Input token ids, int64 <c>[batch, pos]</c>.</param>
/// <param name="Targets">Target token ids, int64 <c>[batch, pos]</c> (usually the next token).</param>
/// <param name="LossMask">float32 <c>[batch, pos]</c>: 1 where the prediction counts, 0 elsewhere.</param>
public sealed record ToyBatch(Tensor Tokens, Tensor Targets, Tensor LossMask);
