using System.Text.Json;
using System.Text.Json.Serialization;

namespace Probing.ToyModels.Model;

/// <summary>
/// The shape of a <see cref="HookedTransformer"/>, with TransformerLens's field names as JSON names
/// (<c>n_layers</c>, <c>d_model</c>, <c>act_fn</c>, <c>normalization_type</c> …), so that a config file
/// reads like a TransformerLens <c>HookedTransformerConfig</c>. Call <see cref="Validate"/> (the model's
/// constructor does) to get a one-line <see cref="ArgumentException"/> naming the bad field.
/// </summary>
public sealed partial record HookedTransformerConfig
{
    /// <summary>Number of transformer blocks.</summary>
    [JsonPropertyName("n_layers")] public int NLayers { get; init; } = 1;

    /// <summary>Width of the residual stream.</summary>
    [JsonPropertyName("d_model")] public int DModel { get; init; } = 32;

    /// <summary>Width of each attention head.</summary>
    [JsonPropertyName("d_head")] public int DHead { get; init; } = 16;

    /// <summary>Number of attention heads per block.</summary>
    [JsonPropertyName("n_heads")] public int NHeads { get; init; } = 1;

    /// <summary>Hidden width of the MLP (ignored when <see cref="AttnOnly"/>).</summary>
    [JsonPropertyName("d_mlp")] public int DMlp { get; init; } = 128;

    /// <summary>Input vocabulary size.</summary>
    [JsonPropertyName("d_vocab")] public int DVocab { get; init; } = 2;

    /// <summary>Output vocabulary size; -1 (TransformerLens's default) means <see cref="DVocab"/>.</summary>
    [JsonPropertyName("d_vocab_out")] public int DVocabOut { get; init; } = -1;

    /// <summary>Maximum context length (positions).</summary>
    [JsonPropertyName("n_ctx")] public int NCtx { get; init; } = 20;

    /// <summary>MLP activation: relu, gelu, gelu_new, silu, solu.</summary>
    [JsonPropertyName("act_fn")] public string? ActFn { get; init; } = "relu";

    /// <summary>LN, LNPre, RMS, RMSPre, or null/"none" for no normalization.</summary>
    [JsonPropertyName("normalization_type")] public string? NormalizationType { get; init; } = "LN";

    /// <summary>
    /// standard (learned, also "learned"), rotary, none, or fixed (a frozen embedding: see
    /// <see cref="FixedPosEmbed"/>; <see cref="HookedTransformer.SetFixedPositionalEmbedding"/> supplies other values).
    /// </summary>
    [JsonPropertyName("positional_embedding_type")] public string PositionalEmbeddingType { get; init; } = "standard";

    /// <summary>For fixed positions: "log" (W_pos[p, d_model−1] = ln(p+1), zeros elsewhere) or "zeros".</summary>
    [JsonPropertyName("fixed_pos_embed")] public string FixedPosEmbed { get; init; } = "log";

    /// <summary>Attention-only blocks (no MLP, no ln2, no hook_resid_mid).</summary>
    [JsonPropertyName("attn_only")] public bool AttnOnly { get; init; }

    /// <summary>Gated MLP (W_gate, as llama's SwiGLU when act_fn is silu).</summary>
    [JsonPropertyName("gated_mlp")] public bool GatedMlp { get; init; }

    /// <summary>Whether a final norm (ln_final) precedes the unembedding (only when normalization is on).</summary>
    [JsonPropertyName("final_norm")] public bool FinalNorm { get; init; } = true;

    /// <summary>Seed of the weight initialization: same seed, same weights.</summary>
    [JsonPropertyName("seed")] public long Seed { get; init; }

    /// <summary>Std of the normal initialization of W_ matrices; negative means 0.8/sqrt(d_model) (TransformerLens's gpt2 default).</summary>
    [JsonPropertyName("init_range")] public double InitRange { get; init; } = -1;

    /// <summary>Rotary dimensions per head; 0 means d_head.</summary>
    [JsonPropertyName("rotary_dim")] public int RotaryDim { get; init; }

    /// <summary>Rotary frequency base.</summary>
    [JsonPropertyName("rotary_base")] public double RotaryBase { get; init; } = 10000;

    /// <summary>Rotate adjacent pairs (GPT-J, llama.cpp's llama layout) instead of halves (NeoX, TransformerLens's default).</summary>
    [JsonPropertyName("rotary_adjacent_pairs")] public bool RotaryAdjacentPairs { get; init; }

    /// <summary>Epsilon of LayerNorm/RMSNorm.</summary>
    [JsonPropertyName("eps")] public double Eps { get; init; } = 1e-5;

    /// <summary>Unembed with W_E transposed (then W_U is W_Eᵀ and is not a separate parameter).</summary>
    [JsonPropertyName("tie_embeddings")] public bool TieEmbeddings { get; init; }

    /// <summary>Whether biases (b_Q … b_U, LN b) are trained; when false they are frozen at zero (llama style).</summary>
    [JsonPropertyName("use_bias")] public bool UseBias { get; init; } = true;

    /// <summary>The output vocabulary size after resolving -1.</summary>
    [JsonIgnore] public int EffectiveDVocabOut => DVocabOut < 0 ? DVocab : DVocabOut;

    /// <summary>The init std after resolving a negative value.</summary>
    [JsonIgnore] public double EffectiveInitRange => InitRange < 0 ? 0.8 / Math.Sqrt(DModel) : InitRange;

    /// <summary>The rotary dimension after resolving 0.</summary>
    [JsonIgnore] public int EffectiveRotaryDim => RotaryDim <= 0 ? DHead : RotaryDim;

    internal NormKind Norm => ParseNorm(NormalizationType);

    internal PosKind Pos => PositionalEmbeddingType.ToLowerInvariant() switch
    {
        "standard" or "learned" => PosKind.Standard,
        "rotary" => PosKind.Rotary,
        "none" => PosKind.None,
        "fixed" => PosKind.Fixed,
        _ => throw new ArgumentException($"positional_embedding_type '{PositionalEmbeddingType}' is not supported; use standard, rotary, none or fixed."),
    };

    internal bool HasFinalNorm => Norm != NormKind.None && FinalNorm;

    /// <summary>Throws a one-line <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public HookedTransformerConfig Validate()
    {
        Positive(NLayers, "n_layers");
        Positive(DModel, "d_model");
        Positive(DHead, "d_head");
        Positive(NHeads, "n_heads");
        Positive(DVocab, "d_vocab");
        Positive(NCtx, "n_ctx");
        if (DVocabOut == 0 || DVocabOut < -1) throw new ArgumentException($"d_vocab_out must be positive or -1 (same as d_vocab), got {DVocabOut}.");
        _ = Norm;
        var pos = Pos;
        if (!AttnOnly)
        {
            Positive(DMlp, "d_mlp");
            if (!ActivationFunctions.IsKnown(ActFn))
                throw new ArgumentException($"act_fn '{ActFn}' is not supported; use one of {string.Join(", ", ActivationFunctions.Names)}.");
        }
        else if (GatedMlp) throw new ArgumentException("gated_mlp needs an MLP; set attn_only to false or gated_mlp to false.");
        if (pos == PosKind.Fixed && FixedPosEmbed is not ("log" or "zeros"))
            throw new ArgumentException($"fixed_pos_embed '{FixedPosEmbed}' is not supported; use log or zeros.");
        if (pos == PosKind.Rotary)
        {
            var r = EffectiveRotaryDim;
            if (r > DHead || r % 2 != 0) throw new ArgumentException($"rotary_dim must be even and at most d_head ({DHead}), got {r}.");
            if (!(RotaryBase > 0)) throw new ArgumentException($"rotary_base must be positive, got {RotaryBase}.");
        }
        if (!(Eps > 0)) throw new ArgumentException($"eps must be positive, got {Eps}.");
        if (Seed < 0) throw new ArgumentException($"seed must be non-negative, got {Seed}.");
        if (double.IsNaN(InitRange) || InitRange == 0) throw new ArgumentException("init_range must be positive (or negative for the 0.8/sqrt(d_model) default).");
        if (TieEmbeddings && EffectiveDVocabOut != DVocab)
            throw new ArgumentException($"tie_embeddings needs d_vocab_out = d_vocab ({DVocab}), got {DVocabOut}.");
        CheckSize(MaxTrainingBytes);
        return this;
    }

    /// <summary>
    /// Bytes per parameter while training: the float32 weight, its gradient and AdamW's two moments.
    /// </summary>
    public const int TrainingBytesPerParameter = 16;

    /// <summary>
    /// The most bytes a config's weights and optimizer state may take: half the memory this process may use
    /// (the rest is for activations, the data and the runtime). Checked before anything is allocated.
    /// </summary>
    public static long MaxTrainingBytes => Math.Max(1L << 28, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>
    /// The number of parameters the config describes, computed in floating point so that no field, however large,
    /// overflows: embedding, positions, per block attention and MLP, unembedding (biases and norms included).
    /// </summary>
    [JsonIgnore]
    public double ParameterCount => ParameterTerms().Sum(t => t.Count);

    // Each term with the field a user would shrink to make it smaller.
    private IEnumerable<(string Field, double Count)> ParameterTerms()
    {
        double dModel = DModel, heads = NHeads, dHead = DHead, dMlp = AttnOnly ? 0 : DMlp;
        yield return ("d_vocab", (double)DVocab * dModel);
        yield return ("n_ctx", (double)NCtx * dModel);
        var attention = 4 * heads * dHead * dModel + 3 * heads * dHead + dModel;                 // W_Q, W_K, W_V, W_O and biases
        var mlp = (GatedMlp ? 3 : 2) * dModel * dMlp + dMlp + dModel;                            // W_in (, W_gate), W_out and biases
        var norms = 4 * dModel;
        var perBlock = attention + mlp + norms;
        var largest = new[] { ("d_model", dModel * dModel), ("n_heads", heads * dHead * dModel), ("d_head", heads * dHead * dModel), ("d_mlp", dMlp * dModel) }
            .MaxBy(t => t.Item2).Item1;
        yield return (NLayers > 64 ? "n_layers" : largest, NLayers * perBlock);
        yield return (DVocabOut < 0 ? "d_vocab" : "d_vocab_out", TieEmbeddings ? 0 : dModel * EffectiveDVocabOut + EffectiveDVocabOut);
    }

    /// <summary>
    /// Throws a one-line <see cref="ArgumentException"/> naming the field to shrink when the weights and optimizer
    /// state would take more than <paramref name="maxBytes"/> bytes.
    /// </summary>
    public void CheckSize(long maxBytes)
    {
        var terms = ParameterTerms().ToList();
        var bytes = terms.Sum(t => t.Count) * TrainingBytesPerParameter;
        if (bytes <= maxBytes) return;
        var field = terms.MaxBy(t => t.Count).Field;
        throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the model is too large: {terms.Sum(t => t.Count):G3} parameters need about {bytes / (1L << 30):G3} GiB to train, more than the {maxBytes / (double)(1L << 30):G3} GiB available; reduce {field} (n_layers {NLayers}, d_model {DModel}, n_heads {NHeads}, d_head {DHead}, d_mlp {DMlp}, n_ctx {NCtx}, d_vocab {DVocab})."));
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}.");
    }

    private static NormKind ParseNorm(string? value) => value switch
    {
        null or "" => NormKind.None,
        _ => value.ToLowerInvariant() switch
        {
            "none" => NormKind.None,
            "ln" => NormKind.LN,
            "lnpre" => NormKind.LNPre,
            "rms" => NormKind.RMS,
            "rmspre" => NormKind.RMSPre,
            _ => throw new ArgumentException($"normalization_type '{value}' is not supported; use LN, LNPre, RMS, RMSPre or none."),
        },
    };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The config as indented JSON with TransformerLens field names.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates a config; throws <see cref="FormatException"/> or <see cref="ArgumentException"/> with one line.</summary>
    public static HookedTransformerConfig FromJson(string json)
    {
        HookedTransformerConfig? cfg;
        try
        {
            cfg = JsonSerializer.Deserialize<HookedTransformerConfig>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } p ? $" at {p}" : "";
            throw new FormatException($"config JSON is invalid{where}: {FirstLine(ex.Message)}");
        }
        return (cfg ?? throw new FormatException("config JSON is empty (null); write an object such as {\"n_layers\": 1}.")).Validate();
    }

    /// <summary>Reads and validates a config file.</summary>
    public static HookedTransformerConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"config file '{path}' does not exist; pass a JSON file with TransformerLens field names.", path);
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}");
        }
    }

    /// <summary>Writes the config atomically (temporary file in the same folder, then rename).</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        var tmp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(tmp, ToJson() + "\n");
        File.Move(tmp, full, overwrite: true);
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
