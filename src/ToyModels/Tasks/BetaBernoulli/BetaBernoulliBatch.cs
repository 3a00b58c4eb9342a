namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>A batch of beta-Bernoulli sequences as flat row-major arrays.</summary>
/// <param name="Batch">Number of sequences.</param>
/// <param name="NCtx">Tokens per sequence.</param>
/// <param name="Tokens">Input tokens, <c>[batch, n_ctx]</c> row-major.</param>
/// <param name="Targets">Next-flip targets, <c>[batch, n_ctx]</c>; <see cref="BetaBernoulliDataOptions.IgnoreTarget"/> where nothing is predicted.</param>
/// <param name="P">The coin bias drawn for each sequence, <c>[batch]</c>.</param>
public sealed record BetaBernoulliBatch(int Batch, int NCtx, long[] Tokens, long[] Targets, double[] P);
