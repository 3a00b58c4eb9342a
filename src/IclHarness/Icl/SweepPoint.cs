namespace Probing.IclHarness.Icl;

/// <summary>One greedy prediction of the sweep (one row of sweep.csv).</summary>
/// <param name="Shots">Examples in the fixed context (k).</param>
/// <param name="X">The final x.</param>
/// <param name="YTrue">The function's value.</param>
/// <param name="Predicted">The greedy answer's text (answer prefix and closing text removed).</param>
/// <param name="YPred">The greedy answer as an integer, or null when it is not one.</param>
/// <param name="PPred">Probability of the greedy answer including its closing token.</param>
/// <param name="Residual">y_true − y_pred, or null.</param>
public sealed record SweepPoint(int Shots, long X, long YTrue, string Predicted, long? YPred, double PPred, long? Residual);
