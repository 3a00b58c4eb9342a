namespace Probing.IclHarness.Llama;

/// <summary>
/// One position to attribute: a captured sequence, the token index whose next-token prediction is read, and the
/// logit difference to explain, <c>logit[Correct] − mean(logit[b] for b in Baseline, b ≠ Correct)</c>.
/// </summary>
/// <param name="Capture">A capture made with <see cref="DirectLogitAttribution.Request"/>.</param>
/// <param name="Position">Token index in the captured sequence (it must be a captured position).</param>
/// <param name="Correct">The token whose logit is explained.</param>
/// <param name="Baseline">The tokens whose mean logit is subtracted (the correct token is left out of the mean).</param>
public sealed record AttributionSite(ResidualCapture Capture, int Position, int Correct, IReadOnlyList<int> Baseline);
