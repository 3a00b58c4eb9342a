namespace Probing.ToyModels.Tasks;

/// <summary>
/// A task's vocabulary: token id <c>i</c> is written as <c>Tokens[i]</c>. Used for display and for
/// the vocabulary of an exported GGUF model.
/// </summary>
public sealed record ToyTokenizer
{
    /// <summary>Creates a tokenizer over distinct, non-empty token strings.</summary>
    public ToyTokenizer(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0) throw new ArgumentException("A task vocabulary needs at least one token.", nameof(tokens));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            if (string.IsNullOrEmpty(token)) throw new ArgumentException("Token strings must not be empty.", nameof(tokens));
            if (!seen.Add(token)) throw new ArgumentException($"Token string '{token}' appears twice; token strings must be distinct.", nameof(tokens));
        }

        Tokens = tokens.ToArray();
    }

    /// <summary>The token strings, indexed by token id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Vocabulary size (the model's <c>d_vocab</c>).</summary>
    public int Count => Tokens.Count;

    /// <summary>Token strings for <c>0..count-1</c> written as decimal numbers.</summary>
    public static ToyTokenizer Numbered(int count) =>
        new(Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

    /// <summary>The string of token <paramref name="id"/>.</summary>
    public string Decode(long id) =>
        id >= 0 && id < Count ? Tokens[(int)id] : throw new ArgumentOutOfRangeException(nameof(id), $"Token id {id} is outside the vocabulary of {Count} tokens.");

    /// <summary>The token strings of a sequence, separated by spaces.</summary>
    public string Decode(IEnumerable<long> ids) => string.Join(' ', ids.Select(Decode));
}
