namespace Probing.IclHarness.Icl.Tasks;

/// <summary>One term <c>coefficient · x^power</c> of a task polynomial.</summary>
/// <param name="Power">The exponent of x (0 for a constant).</param>
/// <param name="Coefficient">The integer multiplier; for a parameter term, the sign (+1 or −1) in front of the parameter.</param>
/// <param name="Parameter">The family parameter letter (a–d) standing for the coefficient, or null for a literal coefficient.</param>
public sealed record PolynomialTerm(int Power, long Coefficient, char? Parameter);
