namespace Probing.ToyModels.Sweep;

/// <summary>One architecture of a sweep grid: its index in the grid's fixed order and its shape.</summary>
/// <param name="Index">Position in the grid's enumeration order (0-based).</param>
/// <param name="DModel">Residual width.</param>
/// <param name="NLayers">Transformer blocks.</param>
/// <param name="NHeads">Attention heads per block (d_head = d_model / n_heads).</param>
public sealed record SweepPoint(int Index, int DModel, int NLayers, int NHeads);
