using System.Globalization;

namespace Probing.ToyModels.Tasks.IclLinear;

/// <summary>
/// The function family of the <c>icl-linear</c> task: f(x) = a·x + b over integer ranges of a, b and x,
/// minus a held-out set of (a, b) pairs that training never shows.
/// </summary>
/// <param name="AMin">Smallest slope a.</param>
/// <param name="AMax">Largest slope a.</param>
/// <param name="BMin">Smallest intercept b.</param>
/// <param name="BMax">Largest intercept b.</param>
/// <param name="XMin">Smallest x.</param>
/// <param name="XMax">Largest x.</param>
/// <param name="HeldOut">(a, b) pairs left out of training and used only by the held-out metrics.</param>
public sealed record IclLinearFamily(int AMin, int AMax, int BMin, int BMax, int XMin, int XMax, IReadOnlyList<(int A, int B)> HeldOut)
{
    /// <summary>The (a, b) pairs training draws from: the whole grid minus <see cref="HeldOut"/>.</summary>
    public IReadOnlyList<(int A, int B)> Training { get; } = Grid(AMin, AMax, BMin, BMax).Where(p => !HeldOut.Contains(p)).ToArray();

    /// <summary>Throws a one-line <see cref="ArgumentException"/> when a range is empty, a value is negative, or nothing is left to train on.</summary>
    public IclLinearFamily Validate()
    {
        // Negative numbers would need a '-' token the harness's default prompts never produce here.
        if (AMin < 0 || BMin < 0 || XMin < 0) throw new ArgumentException("Task icl-linear needs non-negative a, b and x (the vocabulary has no '-'); raise a_min, b_min and x_min to 0 or more.");
        if (AMin > AMax || BMin > BMax || XMin > XMax) throw new ArgumentException("Task icl-linear: each range must have min <= max (a_min..a_max, b_min..b_max, x_min..x_max).");
        foreach (var (a, b) in HeldOut)
        {
            if (a < AMin || a > AMax || b < BMin || b > BMax)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task icl-linear: held-out pair [{a}, {b}] lies outside the family a in {AMin}..{AMax}, b in {BMin}..{BMax}."));
        }

        if (Training.Count == 0) throw new ArgumentException("Task icl-linear: every (a, b) pair is held out; leave at least one for training.");
        return this;
    }

    /// <summary>The function as the harness's task grammar writes it, e.g. <c>2x+3</c>.</summary>
    public static string Name(int a, int b) => string.Create(CultureInfo.InvariantCulture, $"{a}x+{b}");

    private static IEnumerable<(int A, int B)> Grid(int aMin, int aMax, int bMin, int bMax)
    {
        for (var a = aMin; a <= aMax; a++)
            for (var b = bMin; b <= bMax; b++) yield return (a, b);
    }
}
