namespace Probing.ToyModels.Export;

/// <summary>
/// One F32 tensor for a GGUF file, in llama.cpp's conventions.
/// </summary>
/// <param name="Name">llama.cpp tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Ne">GGUF dimensions, ne[0] the fastest-varying (a matrix ne=[n_in, n_out] is n_out rows of n_in values).</param>
/// <param name="Data">Values in memory order (ne[0] fastest), length = product of <paramref name="Ne"/>.</param>
public sealed record GgufExportTensor(string Name, long[] Ne, float[] Data);
