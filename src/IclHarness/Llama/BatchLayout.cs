namespace Probing.IclHarness.Llama;

/// <summary>
/// The validated token layout of one <see cref="LlamaContext.Evaluate(IReadOnlyList{SequenceInput}, EvaluationOptions?)"/>
/// call: every token with its position, sequence and output flag, in batch order, plus where captures and
/// patches land. Split into chunks of at most n_batch tokens, one llama_decode each.
/// </summary>
internal sealed class BatchLayout
{
    private readonly List<(int Token, int Position, int Sequence, bool Output, int Input, int Index)> _tokens = [];
    private readonly List<(int Global, ResidualCapture Capture, int Slot)> _captureSites = [];
    private readonly List<(int Layer, int Global, float[] Vector)> _patchSites = [];

    private BatchLayout(ResidualCapture?[] captures) => Captures = captures;

    /// <summary>One capture per input sequence (null without a capture request).</summary>
    public ResidualCapture?[] Captures { get; }

    public static BatchLayout Create(LlamaContext context, IReadOnlyList<SequenceInput> sequences, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("nothing to evaluate: pass at least one sequence.");
        var info = context.Model.Info;
        if (options.TopK < 0 || options.TopK > info.VocabularySize) throw new ArgumentException($"top-k must be 0..{info.VocabularySize}, not {options.TopK}.");
        var seen = new HashSet<int>();
        foreach (var input in sequences)
        {
            ArgumentNullException.ThrowIfNull(input);
            if (input.Tokens is null || input.Tokens.Count == 0)
                throw new ArgumentException("empty prompt: there are no tokens to evaluate; pass a non-empty prompt.");
            context.CheckSequence(input.SequenceId);
            if (!seen.Add(input.SequenceId)) throw new ArgumentException($"sequence id {input.SequenceId} appears twice in one batch.");
            if (input.StartPosition < 0) throw new ArgumentException($"start position must not be negative, not {input.StartPosition}.");
            if (input.StartPosition + input.Tokens.Count > context.ContextSize)
                throw new ArgumentException(
                    $"the prompt is {input.StartPosition + input.Tokens.Count} tokens long but the context holds {context.ContextSize}; shorten the prompt or raise the context size.");
            foreach (var t in input.Tokens) context.Model.CheckToken(t);
        }
        if (options.Capture is { } request)
        {
            if (request.Layers is null || request.Layers.Count == 0) throw new ArgumentException("a capture needs at least one layer.");
            foreach (var layer in request.Layers)
                if ((uint)layer >= (uint)info.LayerCount) throw new ArgumentException($"layer {layer} is outside 0..{info.LayerCount - 1}.");
        }

        var layout = new BatchLayout(new ResidualCapture?[sequences.Count]);
        var patchesBySequence = (options.Patches ?? []).GroupBy(p => p.SequenceId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var sequenceId in patchesBySequence.Keys)
            if (!seen.Contains(sequenceId)) throw new ArgumentException($"a patch targets sequence {sequenceId}, which is not in the batch.");

        for (var s = 0; s < sequences.Count; s++)
        {
            var input = sequences[s];
            var n = input.Tokens.Count;
            var outputs = new bool[n];
            var slotOf = new int[n];
            Array.Fill(slotOf, -1);
            outputs[n - 1] = true;
            int[]? selected = null;
            if (input.OutputPositions is { } chosen)
            {
                // Per-sequence outputs: the LM head runs only at these rows (plus the last), whatever AllPositions says.
                selected = chosen.Select(p => Resolve(p, n, "output")).Append(n - 1).Distinct().Order().ToArray();
                foreach (var p in selected) outputs[p] = true;
            }
            else if (options.AllPositions) Array.Fill(outputs, true);
            if (options.Capture is { } capture)
            {
                var requested = capture.Positions ?? selected ?? (IReadOnlyList<int>)Enumerable.Range(0, n).ToArray();
                var positions = requested.Select(p => Resolve(p, n, "capture")).Distinct().ToArray();
                var layers = capture.Layers.Distinct().ToArray();
                layout.Captures[s] = new ResidualCapture(layers, positions, info.EmbeddingSize, capture.ResultNorm) { ActivationKinds = capture.Activations.Distinct().ToArray() };
                for (var slot = 0; slot < positions.Length; slot++)
                {
                    slotOf[positions[slot]] = slot;
                    outputs[positions[slot]] = true; // the last layer and result_norm keep output rows only
                }
            }
            var patches = new List<(int Layer, int Index, float[] Vector)>();
            foreach (var patch in patchesBySequence.GetValueOrDefault(input.SequenceId) ?? [])
            {
                if ((uint)patch.Layer >= (uint)info.LayerCount) throw new ArgumentException($"patch layer {patch.Layer} is outside 0..{info.LayerCount - 1}.");
                if (patch.Vector is null || patch.Vector.Length != info.EmbeddingSize)
                    throw new ArgumentException($"a patch vector must have n_embd = {info.EmbeddingSize} floats, not {patch.Vector?.Length ?? 0}.");
                var index = Resolve(patch.Position, n, "patch");
                outputs[index] = true;
                patches.Add((patch.Layer, index, patch.Vector));
            }

            for (var i = 0; i < n; i++)
            {
                var global = layout._tokens.Count;
                layout._tokens.Add((input.Tokens[i], input.StartPosition + i, input.SequenceId, outputs[i], s, i));
                if (slotOf[i] >= 0) layout._captureSites.Add((global, layout.Captures[s]!, slotOf[i]));
                foreach (var p in patches) if (p.Index == i) layout._patchSites.Add((p.Layer, global, p.Vector));
            }
        }
        return layout;
    }

    private static int Resolve(int position, int count, string what)
    {
        var resolved = position < 0 ? count + position : position;
        if ((uint)resolved >= (uint)count)
            throw new ArgumentException($"{what} position {position} is outside a sequence of {count} tokens.");
        return resolved;
    }

    /// <summary>The layout in pieces of at most <paramref name="batchSize"/> tokens.</summary>
    public IEnumerable<Chunk> Chunks(int batchSize)
    {
        for (var start = 0; start < _tokens.Count; start += batchSize)
            yield return new Chunk(this, start, Math.Min(batchSize, _tokens.Count - start));
    }

    /// <summary>Tokens [Start, Start + Count) of the layout: one llama_decode call.</summary>
    public sealed class Chunk(BatchLayout layout, int start, int count)
    {
        public int Count => count;

        public (int Token, int Position, int Sequence, bool Output) Token(int i)
        {
            var t = layout._tokens[start + i];
            return (t.Token, t.Position, t.Sequence, t.Output);
        }

        /// <summary>Which input sequence and token index batch row <paramref name="i"/> belongs to.</summary>
        public (int Input, int Index) Origin(int i)
        {
            var t = layout._tokens[start + i];
            return (t.Input, t.Index);
        }

        public DecodePlan CreateDecodePlan(int ubatchSize, bool perSequenceStreams, int layerCount, EvaluationOptions options)
        {
            var isOutput = new bool[count];
            var sequenceOf = new int[count];
            for (var i = 0; i < count; i++)
            {
                isOutput[i] = layout._tokens[start + i].Output;
                sequenceOf[i] = layout._tokens[start + i].Sequence;
            }
            var plan = new DecodePlan(UbatchSplit.Of(sequenceOf, ubatchSize, perSequenceStreams), isOutput, layerCount, options.Capture);
            foreach (var (global, capture, slot) in layout._captureSites)
                if (global >= start && global < start + count) plan.AddCapture(global - start, capture, slot);
            foreach (var (layer, global, vector) in layout._patchSites)
                if (global >= start && global < start + count) plan.AddPatch(layer, global - start, vector);
            return plan;
        }
    }
}
