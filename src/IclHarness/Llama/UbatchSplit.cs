namespace Probing.IclHarness.Llama;

/// <summary>
/// How llama.cpp cuts one llama_decode batch into ubatches (compute graphs), so that the eval hooks know which
/// batch index each row of an <c>l_out-N</c> tensor is. It mirrors <c>llama_batch_allocr</c> of the pinned
/// llama.cpp for batches whose tokens each belong to one sequence:
/// <list type="bullet">
/// <item>one KV stream (n_seq_max 1): <c>split_simple</c>, consecutive runs of n_ubatch tokens in batch order;</item>
/// <item>one KV stream per sequence (non-unified cache, n_seq_max &gt; 1): <c>split_equal(sequential)</c>.
/// Each ubatch takes sequences with consecutive ids in order of first appearance and the same number of
/// tokens from each (as many as the shortest has left, within n_ubatch); its rows are the tokens of the
/// first sequence, then of the second, and so on.</item>
/// </list>
/// A wrong mirror cannot pass unnoticed: rows would land in the wrong captures, which the batch-invariance
/// tests compare with one-sequence decodes, and a row count that disagrees stops the decode.
/// </summary>
internal static class UbatchSplit
{
    /// <summary>Batch indices of each ubatch, in row order.</summary>
    /// <param name="sequenceOf">[n_tokens] the sequence id of each batch index.</param>
    /// <param name="ubatchSize">n_ubatch.</param>
    /// <param name="perSequenceStreams">The KV cache has one stream per sequence (split_equal).</param>
    public static IReadOnlyList<int[]> Of(IReadOnlyList<int> sequenceOf, int ubatchSize, bool perSequenceStreams)
    {
        var n = sequenceOf.Count;
        var ubatches = new List<int[]>();
        if (!perSequenceStreams)
        {
            for (var start = 0; start < n; start += ubatchSize)
                ubatches.Add(Enumerable.Range(start, Math.Min(ubatchSize, n - start)).ToArray());
            return ubatches;
        }

        // Batch indices of each sequence in batch order, and how many of them are used.
        var tokensOf = new Dictionary<int, List<int>>();
        for (var i = 0; i < n; i++)
        {
            if (!tokensOf.TryGetValue(sequenceOf[i], out var list)) tokensOf[sequenceOf[i]] = list = [];
            list.Add(i);
        }
        var next = tokensOf.Keys.ToDictionary(s => s, _ => 0);
        var used = new bool[n];
        var remaining = n;
        while (remaining > 0)
        {
            var sequences = new List<int>();
            for (var i = 0; i < n; i++)
            {
                if (used[i]) continue;
                var s = sequenceOf[i];
                if (sequences.Contains(s)) continue;
                if (sequences.Count > 0 && s != sequences[^1] + 1) continue;
                sequences.Add(s);
                if (sequences.Count > ubatchSize) break;
            }
            var rows = sequences.Select(_ => new List<int>()).ToArray();
            while (sequences.All(s => next[s] < tokensOf[s].Count))
            {
                for (var k = 0; k < sequences.Count; k++)
                {
                    var index = tokensOf[sequences[k]][next[sequences[k]]++];
                    rows[k].Add(index);
                    used[index] = true;
                    remaining--;
                }
                if ((rows[0].Count + 1) * sequences.Count > ubatchSize) break;
            }
            ubatches.Add(rows.SelectMany(r => r).ToArray());
        }
        return ubatches;
    }
}
