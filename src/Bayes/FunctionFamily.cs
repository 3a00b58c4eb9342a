namespace Probing.Bayes;

/// <summary>A finite family of named integer functions, usable wherever a list of functions is expected.</summary>
public sealed class FunctionFamily : IReadOnlyList<Func<long, long>>
{
    private readonly Func<long, long>[] _functions;
    private readonly string[] _names;

    /// <summary>Creates the family from parallel lists of functions and names.</summary>
    /// <exception cref="ArgumentException">The lists differ in length or are empty.</exception>
    public FunctionFamily(IReadOnlyList<Func<long, long>> functions, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(names);
        if (functions.Count == 0) throw new ArgumentException("a function family needs at least one function.");
        if (functions.Count != names.Count)
            throw new ArgumentException($"a function family needs one name per function (got {names.Count} names for {functions.Count} functions).");
        _functions = functions.ToArray();
        _names = names.ToArray();
    }

    /// <summary>The name of each function, for example "2x+3".</summary>
    public IReadOnlyList<string> Names => _names;

    /// <inheritdoc />
    public Func<long, long> this[int index] => _functions[index];

    /// <inheritdoc />
    public int Count => _functions.Length;

    /// <summary>The index of the function called <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name) => Array.IndexOf(_names, name);

    /// <inheritdoc />
    public IEnumerator<Func<long, long>> GetEnumerator() => ((IEnumerable<Func<long, long>>)_functions).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
