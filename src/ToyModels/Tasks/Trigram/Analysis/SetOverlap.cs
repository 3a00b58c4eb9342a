namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>How two sets of (batch, position) sites overlap.</summary>
/// <param name="SizeA">|A|.</param>
/// <param name="SizeB">|B|.</param>
/// <param name="Intersection">|A ∩ B|.</param>
/// <param name="Union">|A ∪ B|.</param>
public sealed record SetOverlap(int SizeA, int SizeB, int Intersection, int Union)
{
    /// <summary>Jaccard index |A ∩ B| / |A ∪ B| (1 for two empty sets).</summary>
    public double Jaccard => Union == 0 ? 1 : (double)Intersection / Union;

    /// <summary>Whether the sets are equal.</summary>
    public bool Equal => Intersection == SizeA && Intersection == SizeB;

    /// <summary>Compares two sets.</summary>
    public static SetOverlap Of<T>(IReadOnlySet<T> a, IReadOnlySet<T> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var inter = a.Count(b.Contains);
        return new SetOverlap(a.Count, b.Count, inter, a.Count + b.Count - inter);
    }
}
