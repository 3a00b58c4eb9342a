namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>One head's attention from queries that predict a target (analysis 4).</summary>
/// <param name="Layer">Block index.</param>
/// <param name="Head">Head index.</param>
/// <param name="PreviousTarget">Mean attention on the previous target position p − n.</param>
/// <param name="EarlierTargets">Mean attention on all earlier target positions of the same rule.</param>
/// <param name="QueryNBack">Mean attention on q − n, n back from the query.</param>
/// <param name="Queries">Queries averaged over.</param>
public sealed record HeadAttention(int Layer, int Head, double PreviousTarget, double EarlierTargets, double QueryNBack, int Queries);
