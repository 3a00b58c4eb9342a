namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Numbers from the QK and OV circuits (analyses 2 and 3).</summary>
/// <param name="TokenAuc">ROC AUC of the token QK score W_E W_Q W_Kᵀ W_Eᵀ [Y, X] for trigram pairs vs all other pairs.</param>
/// <param name="AdjacentFullAuc">The same for the full adjacent-position score (embeddings + positions + biases, averaged over positions).</param>
/// <param name="TopPairsPrecision">Fraction of the |set| highest token-QK pairs that are trigram pairs.</param>
/// <param name="PositionalPrevMinusSelf">Mean over query positions p ≥ 1 of positional QK[p, p − 1] − QK[p, p].</param>
/// <param name="PositionalPrevRank">Fraction of query positions p ≥ 2 whose highest positional score (among keys ≤ p) is p − 1.</param>
/// <param name="OvAccuracy">Top-1 accuracy of OV[X] predicting Z over the set.</param>
/// <param name="OvPlusDirectAccuracy">Top-1 accuracy of OV[X] + W_E W_U[Y] predicting Z over the set.</param>
/// <param name="OvAccuracyOnLearned">OV alone, restricted to trigrams the model predicts correctly (trigram set metric).</param>
/// <param name="OvPlusDirectAccuracyOnLearned">OV + direct, restricted likewise.</param>
public sealed record QkOvSummary(
    double TokenAuc, double AdjacentFullAuc, double TopPairsPrecision, double PositionalPrevMinusSelf, double PositionalPrevRank,
    double OvAccuracy, double OvPlusDirectAccuracy, double OvAccuracyOnLearned, double OvPlusDirectAccuracyOnLearned);
