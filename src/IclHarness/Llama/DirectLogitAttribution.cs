using Probing.Gguf;

namespace Probing.IclHarness.Llama;

/// <summary>
/// Per-head direct logit attribution on a llama.cpp model (TransformerLens's <c>stack_head_results</c> +
/// <c>apply_ln_to_stack</c> + <c>logit_attrs</c>). From one capture (<see cref="Request"/>: <c>inp_embd</c>, and per
/// layer <c>kqv_out-N</c>, <c>ffn_inp-N</c>, <c>l_out-N</c>, plus <c>result_norm</c>) each component's write to the
/// residual stream at a site is divided by the final norm's scale of that site's real final residual (frozen, as
/// TransformerLens does; centered first for LayerNorm), multiplied by the norm's gain and dotted with
/// W_U[correct] − mean(W_U[baseline]). Components: the embedding, each head (z_h·W_O[:, h], its slice of
/// <c>attn_output.weight</c>), each layer's b_O, each MLP (l_out-N − ffn_inp-N).
/// <para>Completeness is measured, not assumed (<see cref="AttributionCompleteness"/>): the heads must rebuild
/// llama.cpp's own attention output, the components its final residual, and the attributions its logit difference.</para>
/// </summary>
public sealed class DirectLogitAttribution
{
    private readonly GgufFile _file;
    private readonly FinalNormKind _norm;
    private readonly float _epsilon;
    private readonly float[] _gain;          // [d_model]
    private readonly float[]? _normBias;     // [d_model] (LayerNorm)
    private readonly float[]? _outputBias;   // [d_vocab]
    private readonly GgufTensorInfo _unembedding; // ne = [d_model, d_vocab]
    private readonly AttentionOutputProjection[] _projections;
    private readonly Dictionary<IReadOnlyList<int>, (double[] Sum, HashSet<int> Members)> _baselines = new(ReferenceEqualityComparer.Instance);

    private DirectLogitAttribution(LlamaModel model, double? tolerance)
    {
        _file = model.Gguf;
        var lens = LogitLens.Create(model);
        _norm = lens.Kind;
        _epsilon = lens.Epsilon;
        EmbeddingSize = model.Info.EmbeddingSize;
        LayerCount = model.Info.LayerCount;
        _gain = GgmlDequantizer.Dequantize(_file, "output_norm.weight");
        _normBias = _norm == FinalNormKind.LayerNorm && _file.FindTensor("output_norm.bias") is not null ? GgmlDequantizer.Dequantize(_file, "output_norm.bias") : null;
        _unembedding = _file.FindTensor("output.weight") ?? _file.GetTensor("token_embd.weight");
        _outputBias = _file.FindTensor("output.bias") is not null ? GgmlDequantizer.Dequantize(_file, "output.bias") : null;
        var heads = HeadCounts(_file, model.Info.Architecture, LayerCount);
        _projections = Enumerable.Range(0, LayerCount).Select(l => new AttentionOutputProjection(_file, l, heads[l], EmbeddingSize)).ToArray();
        Tolerance = tolerance ?? _projections.Max(p => DefaultTolerance(p.Type));
    }

    /// <summary>d_model.</summary>
    public int EmbeddingSize { get; }

    /// <summary>n_layers.</summary>
    public int LayerCount { get; }

    /// <summary>n_head of each layer.</summary>
    public int[] HeadCountsPerLayer => _projections.Select(p => p.HeadCount).ToArray();

    /// <summary>d_head (value size) of each layer.</summary>
    public int[] HeadSizes => _projections.Select(p => p.HeadSize).ToArray();

    /// <summary>The bound on every completeness error (<see cref="DefaultTolerance"/> of the stored W_O type unless given).</summary>
    public double Tolerance { get; }

    /// <summary>The ggml type of attn_output.weight in the first layer (all layers are checked against <see cref="Tolerance"/>).</summary>
    public GgmlType OutputProjectionType => _projections[0].Type;

    /// <summary>
    /// Completeness bound for a stored W_O type: 1e-4 for F32 (ggml multiplies in F32, as we do); 5e-3 for F16 and
    /// BF16 and 5e-2 for quantized types, because ggml's CPU matmul rounds the activation (kqv_out) to F16 or Q8
    /// before multiplying, which our F32 product of the same weights does not.
    /// </summary>
    public static double DefaultTolerance(GgmlType type) => type switch
    {
        GgmlType.F32 => 1e-4,
        GgmlType.F16 or GgmlType.BF16 => 5e-3,
        _ => 5e-2,
    };

    /// <summary>An attribution for <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The architecture's final norm is unknown, or its attention output is not split into heads the way llama's is.</exception>
    public static DirectLogitAttribution Create(LlamaModel model, double? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (tolerance is { } t && !(t > 0)) throw new ArgumentException($"the completeness tolerance must be positive, not {t}.");
        return new DirectLogitAttribution(model, tolerance);
    }

    /// <summary>What to capture: every layer at <paramref name="positions"/> (null: the sequence's output positions), with the activations the attribution reads.</summary>
    public CaptureRequest Request(IReadOnlyList<int>? positions = null) =>
        CaptureRequest.AllLayers(LayerCount, positions, resultNorm: true) with { Activations = [GraphActivation.InpEmbd, GraphActivation.KqvOut, GraphActivation.FfnInp] };

    /// <summary>
    /// Each head of <paramref name="layer"/>'s write to the residual for one row <paramref name="z"/> of its
    /// <c>kqv_out</c> [n_head·d_head]: [n_head, d_model] (TransformerLens <c>hook_result</c>; b_O is not a head's).
    /// </summary>
    public double[] HeadResults(int layer, ReadOnlySpan<float> z)
    {
        if ((uint)layer >= (uint)LayerCount) throw new ArgumentOutOfRangeException(nameof(layer), $"layer {layer} is outside 0..{LayerCount - 1}.");
        return _projections[layer].HeadResults(z);
    }

    /// <summary>b_O of <paramref name="layer"/> [d_model], or null when the model has no attention output bias.</summary>
    public float[]? AttentionOutputBias(int layer) => _projections[layer].Bias;

    /// <summary>Attributes every site's logit difference to the embedding, each head, each b_O and each MLP.</summary>
    /// <exception cref="ArgumentException">A site's capture lacks an activation, or a token is out of range.</exception>
    public LogitAttribution Attribute(IReadOnlyList<AttributionSite> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var (s, d, last) = (sites.Count, EmbeddingSize, LayerCount - 1);
        var result = new LogitAttribution(s, HeadCountsPerLayer);
        var u = new double[s * d];            // [sites, d_model]: gain ⊙ direction / frozen scale (centered for LayerNorm)
        var rebuilt = new double[s * d];      // [sites, d_model]: embedding + Σ blocks
        var worstResidual = 0.0;
        for (var i = 0; i < s; i++)
        {
            var site = sites[i];
            var final = site.Capture.Residual(last, site.Position);
            var (direction, biasDifference) = Direction(site);
            var scale = Scale(final);
            result.Scale[i] = scale;
            var ui = u.AsSpan(i * d, d);
            for (var k = 0; k < d; k++) ui[k] = _gain[k] * direction[k] / scale;
            if (_norm == FinalNormKind.LayerNorm)
            {
                var mean = 0.0;
                foreach (var v in ui) mean += v;
                mean /= d;
                for (var k = 0; k < d; k++) ui[k] -= mean; // centering a component = centering the direction
            }
            var normalized = site.Capture.Normalized(site.Position);
            var actual = biasDifference;
            for (var k = 0; k < d; k++) actual += normalized[k] * direction[k];
            result.Actual[i] = actual;
            result.Constant[i] = biasDifference + (_normBias is null ? 0 : Dot(_normBias, direction));
            var embedding = site.Capture.Activation(GraphActivation.InpEmbd, 0, site.Position);
            result.Embedding[i] = Dot(embedding, ui);
            for (var k = 0; k < d; k++) rebuilt[i * d + k] = embedding[k];
        }

        var worstAttention = 0.0;
        var worstLayer = 0;
        foreach (var projection in _projections)
        {
            var l = projection.Layer;
            var z = new float[s * projection.Width]; // [sites, n_head·d_head]
            for (var i = 0; i < s; i++)
                sites[i].Capture.Activation(GraphActivation.KqvOut, l, sites[i].Position).CopyTo(z.AsSpan(i * projection.Width, projection.Width));
            var total = new double[s * d]; // [sites, d_model]: Σ_h z_h·W_O[h]
            projection.Apply(z, u, s, result.Heads[l], total);
            for (var i = 0; i < s; i++)
            {
                var (capture, pos) = (sites[i].Capture, sites[i].Position);
                var before = l == 0 ? capture.Activation(GraphActivation.InpEmbd, 0, pos) : capture.Residual(l - 1, pos);
                var mid = capture.Activation(GraphActivation.FfnInp, l, pos);
                var after = capture.Residual(l, pos);
                var ui = u.AsSpan(i * d, d);
                double error = 0, norm = 0, bias = 0, mlp = 0;
                for (var k = 0; k < d; k++)
                {
                    var attention = total[i * d + k] + (projection.Bias?[k] ?? 0f);
                    var expected = (double)mid[k] - before[k];
                    error += (attention - expected) * (attention - expected);
                    norm += expected * expected;
                    bias += (projection.Bias?[k] ?? 0f) * ui[k];
                    var block = (double)after[k] - mid[k];
                    mlp += block * ui[k];
                    rebuilt[i * d + k] += attention + block;
                }
                result.AttentionBias[i * LayerCount + l] = bias;
                result.Mlp[i * LayerCount + l] = mlp;
                var relative = Math.Sqrt(error / Math.Max(norm, double.Epsilon));
                if (relative > worstAttention) (worstAttention, worstLayer) = (relative, l);
            }
        }

        var worstLogit = 0.0;
        for (var i = 0; i < s; i++)
        {
            var final = sites[i].Capture.Residual(last, sites[i].Position);
            double error = 0, norm = 0;
            for (var k = 0; k < d; k++)
            {
                var diff = rebuilt[i * d + k] - final[k];
                error += diff * diff;
                norm += (double)final[k] * final[k];
            }
            worstResidual = Math.Max(worstResidual, Math.Sqrt(error / Math.Max(norm, double.Epsilon)));
            var mass = Math.Abs(result.Embedding[i]) + Math.Abs(result.Constant[i]);
            for (var l = 0; l < LayerCount; l++)
            {
                foreach (var a in result.Heads[l].AsSpan(i * result.HeadCounts[l], result.HeadCounts[l])) mass += Math.Abs(a);
                mass += Math.Abs(result.AttentionBias[i * LayerCount + l]) + Math.Abs(result.Mlp[i * LayerCount + l]);
            }
            worstLogit = Math.Max(worstLogit, Math.Abs(result.Reconstructed(i) - result.Actual[i]) / Math.Max(mass, double.Epsilon));
        }
        result.Completeness = new(worstAttention, worstLayer, worstResidual, worstLogit, Tolerance);
        return result;
    }

    /// <summary>W_U[correct] − mean W_U[baseline \ correct] [d_model], and the same difference of the unembedding bias.</summary>
    private (double[] Direction, double BiasDifference) Direction(AttributionSite site)
    {
        var vocab = (int)_unembedding.Dimensions[1];
        if ((uint)site.Correct >= (uint)vocab) throw new ArgumentException($"token {site.Correct} is outside the vocabulary of {vocab}.");
        if (!_baselines.TryGetValue(site.Baseline, out var baseline))
        {
            var sum = new double[EmbeddingSize];
            var members = new HashSet<int>();
            var row = new float[EmbeddingSize];
            foreach (var t in site.Baseline)
            {
                if ((uint)t >= (uint)vocab) throw new ArgumentException($"baseline token {t} is outside the vocabulary of {vocab}.");
                if (!members.Add(t)) continue;
                GgmlDequantizer.DequantizeRows(_file, _unembedding, t, 1, row);
                for (var k = 0; k < row.Length; k++) sum[k] += row[k];
            }
            _baselines[site.Baseline] = baseline = (sum, members);
        }
        var correct = new float[EmbeddingSize];
        GgmlDequantizer.DequantizeRows(_file, _unembedding, site.Correct, 1, correct);
        var inBaseline = baseline.Members.Contains(site.Correct);
        var count = baseline.Members.Count - (inBaseline ? 1 : 0);
        if (count == 0) throw new ArgumentException($"the baseline of token {site.Correct} holds no other token.");
        var direction = new double[EmbeddingSize];
        for (var k = 0; k < direction.Length; k++)
            direction[k] = correct[k] - (baseline.Sum[k] - (inBaseline ? correct[k] : 0)) / count;
        var biasDifference = 0.0;
        if (_outputBias is not null)
        {
            var others = baseline.Members.Where(t => t != site.Correct).Sum(t => (double)_outputBias[t]);
            biasDifference = _outputBias[site.Correct] - others / count;
        }
        return (direction, biasDifference);
    }

    private double Scale(ReadOnlySpan<float> x)
    {
        var mean = 0.0;
        if (_norm == FinalNormKind.LayerNorm)
        {
            foreach (var v in x) mean += v;
            mean /= x.Length;
        }
        var squares = 0.0;
        foreach (var v in x) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / x.Length + _epsilon);
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var k = 0; k < a.Length; k++) sum += a[k] * b[k];
        return sum;
    }

    private static int[] HeadCounts(GgufFile file, string architecture, int layers)
    {
        var key = $"{architecture}.attention.head_count";
        var value = file.Find(key) ?? throw new NotSupportedException($"{file.Path} has no '{key}', so its attention output cannot be split into heads.");
        if (!value.IsArray) return Enumerable.Repeat((int)value.AsInt64(), layers).ToArray();
        var counts = ((Array)value.Value).Cast<object>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return counts.Length == layers ? counts : throw new NotSupportedException($"'{key}' lists {counts.Length} layers, the model has {layers}.");
    }
}
