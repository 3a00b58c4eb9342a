using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Export;

/// <summary>
/// Describes a <see cref="HookedTransformer"/> as a GGUF model llama.cpp can run, without writing the file
/// (IclHarness's GGUF writer does that):
/// <list type="bullet">
/// <item>llama style (RMS/RMSPre, rotary over the whole head, gated SiLU MLP, no biases, tied or untied
/// unembedding) → architecture <c>llama</c>. llama.cpp's llama rotates adjacent pairs (GPT-J layout); a model
/// trained with TransformerLens's default rotate-half rotary gets its W_Q/W_K rows permuted per head
/// (2i ← i, 2i+1 ← i + d_head/2), which leaves every attention score unchanged.</item>
/// <item>GPT-2 style (LN/LNPre, learned, fixed or no positions, GELU MLP, n_heads·d_head = d_model) →
/// architecture <c>gpt2</c> with a fused QKV; no positions export as a zero position table, and a trained output
/// bias b_U is folded exactly into the final LayerNorm's bias when it lies in W_U's row space. llama.cpp's GELU is the tanh approximation (act_fn gelu_new);
/// an exact-GELU model (gelu) differs by up to ~1e-3 per activation there.</item>
/// </list>
/// Anything else throws <see cref="NotSupportedException"/> naming the field to change.
/// </summary>
public static class GgufExporter
{
    /// <summary>The architecture a config would export to, or the one-line reason it cannot.</summary>
    public static (string? Architecture, string? Reason) Classify(HookedTransformerConfig cfg)
    {
        var llama = LlamaProblem(cfg);
        if (llama is null) return ("llama", null);
        var gpt2 = Gpt2Problem(cfg);
        if (gpt2 is null) return ("gpt2", null);
        var looksLlama = cfg.PositionalEmbeddingType == "rotary" || cfg.GatedMlp || cfg.NormalizationType is "RMS" or "RMSPre";
        return (null, looksLlama ? $"llama export: {llama}" : $"gpt2 export: {gpt2}");
    }

    /// <summary>The GGUF description of <paramref name="model"/>; <paramref name="name"/> goes to general.name.</summary>
    public static GgufExport Describe(HookedTransformer model, string name = "probing-toy")
    {
        ArgumentNullException.ThrowIfNull(model);
        var cfg = model.Config;
        var (arch, reason) = Classify(cfg);
        if (arch is null) throw new NotSupportedException($"cannot export to GGUF: {reason}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (arch == "llama")
        {
            var nonzero = model.named_parameters().FirstOrDefault(p => IsBias(p.name) && p.parameter.abs().max().item<float>() != 0);
            if (nonzero.name is not null)
                throw new NotSupportedException($"cannot export to GGUF: llama export needs zero biases but '{nonzero.name}' is nonzero; train with use_bias false.");
            return Llama(model, name);
        }
        return Gpt2(model, name);
    }

    /// <summary>
    /// The GGUF description of <paramref name="model"/> with <paramref name="tokenizer"/>'s vocabulary as its
    /// tokenizer (<see cref="GgufTokenizerMetadata"/>): everything a GGUF writer needs. <paramref name="name"/> goes to general.name.
    /// </summary>
    /// <exception cref="ArgumentException">The vocabulary size differs from the model's d_vocab.</exception>
    public static GgufExport Describe(HookedTransformer model, ToyTokenizer tokenizer, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.Count != model.Config.DVocab)
            throw new ArgumentException($"the task has {tokenizer.Count} tokens but the model's d_vocab is {model.Config.DVocab}; export with the task the model was trained on.");
        var export = Describe(model, name);
        return export with { Metadata = [.. export.Metadata, .. GgufTokenizerMetadata.For(tokenizer)] };
    }

    /// <summary>
    /// Rows of a per-head projection [n_heads·d_head, d_model] reordered from rotate-half (NeoX) to
    /// adjacent-pair (GPT-J) layout: within each head, new row 2i is old row i and new row 2i+1 is old row
    /// i + d_head/2. Used for W_Q and W_K; q·k is unchanged because both sides move together.
    /// </summary>
    public static float[] RotateHalfToAdjacentRows(float[] rows, int nHeads, int dHead, int rowLength)
    {
        if (dHead % 2 != 0) throw new ArgumentException($"d_head must be even for rotary, got {dHead}.");
        if (rows.Length != nHeads * dHead * rowLength) throw new ArgumentException("rows length does not match n_heads·d_head·row length.");
        var result = new float[rows.Length];
        var half = dHead / 2;
        for (var h = 0; h < nHeads; h++)
            for (var i = 0; i < half; i++)
            {
                Array.Copy(rows, (h * dHead + i) * rowLength, result, (h * dHead + 2 * i) * rowLength, rowLength);
                Array.Copy(rows, (h * dHead + i + half) * rowLength, result, (h * dHead + 2 * i + 1) * rowLength, rowLength);
            }
        return result;
    }

    private static string? LlamaProblem(HookedTransformerConfig cfg)
    {
        if (cfg.NormalizationType is not ("RMS" or "RMSPre")) return $"normalization_type must be RMS or RMSPre, got {cfg.NormalizationType ?? "none"}";
        if (!cfg.FinalNorm) return "final_norm must be true (llama.cpp always applies output_norm)";
        if (cfg.PositionalEmbeddingType != "rotary") return $"positional_embedding_type must be rotary, got {cfg.PositionalEmbeddingType}";
        if (cfg.EffectiveRotaryDim != cfg.DHead) return $"rotary_dim must equal d_head ({cfg.DHead}) for llama.cpp's llama, got {cfg.EffectiveRotaryDim}";
        if (cfg.AttnOnly) return "attn_only models have no MLP; llama needs ffn tensors";
        if (!cfg.GatedMlp || cfg.ActFn != "silu") return "the MLP must be gated with act_fn silu (SwiGLU)";
        if (cfg.EffectiveDVocabOut != cfg.DVocab) return "d_vocab_out must equal d_vocab";
        return null;
    }

    private static string? Gpt2Problem(HookedTransformerConfig cfg)
    {
        if (cfg.NormalizationType is not ("LN" or "LNPre")) return $"normalization_type must be LN or LNPre, got {cfg.NormalizationType ?? "none"}";
        if (!cfg.FinalNorm) return "final_norm must be true (llama.cpp always applies output_norm)";
        if (cfg.PositionalEmbeddingType is not ("standard" or "learned" or "fixed" or "none")) return $"positional_embedding_type must be standard, fixed or none, got {cfg.PositionalEmbeddingType}";
        if (cfg.AttnOnly) return "attn_only models have no MLP; gpt2 needs ffn tensors";
        if (cfg.GatedMlp || cfg.ActFn is not ("gelu" or "gelu_new")) return "the MLP must be ungated with act_fn gelu_new (or gelu)";
        if (cfg.NHeads * cfg.DHead != cfg.DModel) return $"n_heads·d_head ({cfg.NHeads * cfg.DHead}) must equal d_model ({cfg.DModel})";
        if (cfg.EffectiveDVocabOut != cfg.DVocab) return "d_vocab_out must equal d_vocab";
        return null;
    }

    private static bool IsBias(string name) => name[(name.LastIndexOf('.') + 1)..].StartsWith("b_", StringComparison.Ordinal);

    private static GgufExport Llama(HookedTransformer model, string name)
    {
        var cfg = model.Config;
        var (m, d, h) = (cfg.DModel, cfg.DHead, cfg.NHeads);
        var meta = Common("llama", name, cfg);
        meta.Add(new("llama.feed_forward_length", (uint)cfg.DMlp));
        meta.Add(new("llama.attention.head_count_kv", (uint)h));
        meta.Add(new("llama.attention.key_length", (uint)d));
        meta.Add(new("llama.attention.value_length", (uint)d));
        meta.Add(new("llama.rope.dimension_count", (uint)d));
        meta.Add(new("llama.rope.freq_base", (float)cfg.RotaryBase));
        meta.Add(new("llama.attention.layer_norm_rms_epsilon", (float)cfg.Eps));
        meta.Add(new("llama.vocab_size", (uint)cfg.DVocab));

        var tensors = new List<GgufExportTensor> { Matrix("token_embd.weight", model.W_E) };
        for (var l = 0; l < cfg.NLayers; l++)
        {
            var block = model.blocks[l];
            tensors.Add(NormWeight($"blk.{l}.attn_norm.weight", block.ln1!, m));
            var q = Values(block.attn.W_Q.permute(0, 2, 1)); // [n_heads, d_head, d_model] = rows of attn_q
            var k = Values(block.attn.W_K.permute(0, 2, 1));
            if (!cfg.RotaryAdjacentPairs)
            {
                q = RotateHalfToAdjacentRows(q, h, d, m);
                k = RotateHalfToAdjacentRows(k, h, d, m);
            }
            tensors.Add(new($"blk.{l}.attn_q.weight", [m, h * d], q));
            tensors.Add(new($"blk.{l}.attn_k.weight", [m, h * d], k));
            tensors.Add(new($"blk.{l}.attn_v.weight", [m, h * d], Values(block.attn.W_V.permute(0, 2, 1))));
            tensors.Add(new($"blk.{l}.attn_output.weight", [h * d, m], Values(block.attn.W_O.reshape(h * d, m).t())));
            tensors.Add(NormWeight($"blk.{l}.ffn_norm.weight", block.ln2!, m));
            tensors.Add(Matrix($"blk.{l}.ffn_gate.weight", block.mlp!.W_gate!.t()));
            tensors.Add(Matrix($"blk.{l}.ffn_up.weight", block.mlp.W_in.t()));
            tensors.Add(Matrix($"blk.{l}.ffn_down.weight", block.mlp.W_out.t()));
        }
        tensors.Add(NormWeight("output_norm.weight", model.ln_final!, m));
        if (!model.unembed.Tied) tensors.Add(Matrix("output.weight", model.W_U.t()));
        return new("llama", meta, tensors, cfg.DVocab);
    }

    private static GgufExport Gpt2(HookedTransformer model, string name)
    {
        var cfg = model.Config;
        var m = cfg.DModel;
        var meta = Common("gpt2", name, cfg);
        meta.Add(new("gpt2.feed_forward_length", (uint)cfg.DMlp));
        meta.Add(new("gpt2.attention.layer_norm_epsilon", (float)cfg.Eps));

        var tensors = new List<GgufExportTensor>
        {
            Matrix("token_embd.weight", model.W_E),
            // No positional embedding is exactly a position table of zeros (llama.cpp's gpt2 always adds one).
            model.W_pos is { } wPos ? Matrix("position_embd.weight", wPos) : new("position_embd.weight", [m, cfg.NCtx], new float[(long)m * cfg.NCtx]),
        };
        for (var l = 0; l < cfg.NLayers; l++)
        {
            var block = model.blocks[l];
            tensors.AddRange(NormPair($"blk.{l}.attn_norm", block.ln1!, m));
            var a = block.attn;
            // Fused QKV rows: all Q outputs (head-major), then K, then V.
            var qkv = cat([a.W_Q.permute(0, 2, 1).reshape(m, m), a.W_K.permute(0, 2, 1).reshape(m, m), a.W_V.permute(0, 2, 1).reshape(m, m)], 0);
            tensors.Add(new($"blk.{l}.attn_qkv.weight", [m, 3 * m], Values(qkv)));
            tensors.Add(new($"blk.{l}.attn_qkv.bias", [3 * m], Values(cat([a.b_Q.reshape(-1), a.b_K.reshape(-1), a.b_V.reshape(-1)], 0))));
            tensors.Add(new($"blk.{l}.attn_output.weight", [m, m], Values(a.W_O.reshape(m, m).t())));
            tensors.Add(Vector($"blk.{l}.attn_output.bias", a.b_O));
            tensors.AddRange(NormPair($"blk.{l}.ffn_norm", block.ln2!, m));
            tensors.Add(Matrix($"blk.{l}.ffn_up.weight", block.mlp!.W_in.t()));
            tensors.Add(Vector($"blk.{l}.ffn_up.bias", block.mlp.b_in));
            tensors.Add(Matrix($"blk.{l}.ffn_down.weight", block.mlp.W_out.t()));
            tensors.Add(Vector($"blk.{l}.ffn_down.bias", block.mlp.b_out));
        }
        var outputNorm = NormPair("output_norm", model.ln_final!, m);
        if (model.b_U.abs().max().item<float>() != 0)
            outputNorm[1] = outputNorm[1] with { Data = FoldOutputBias(model, outputNorm[1].Data) };
        tensors.AddRange(outputNorm);
        if (!model.unembed.Tied) tensors.Add(Matrix("output.weight", model.W_U.t()));
        return new("gpt2", meta, tensors, cfg.DVocab);
    }

    /// <summary>Largest |x W_U − b_U| accepted when folding, relative to max(1, |b_U|): float32 rounding, not an approximation.</summary>
    public const double FoldTolerance = 1e-5;

    /// <summary>
    /// llama.cpp's gpt2 has no output bias, but its final LayerNorm has one, and logits = (γ·n + β) W_U + b_U.
    /// When b_U lies in the row space of W_U (always when d_vocab ≤ d_model and W_U has full rank), some x has
    /// x W_U = b_U, and β + x as the output_norm bias gives the same logits exactly (to float rounding).
    /// Otherwise the one-line refusal stands.
    /// </summary>
    private static float[] FoldOutputBias(HookedTransformer model, float[] outputNormBias)
    {
        using var scope = NewDisposeScope();
        var wU = model.W_U.detach().to(ScalarType.Float64);                    // [d_model, d_vocab]
        var bU = model.b_U.detach().to(ScalarType.Float64);                    // [d_vocab]
        var x = linalg.lstsq(wU.t(), bU.unsqueeze(1)).Solution.squeeze(1);    // [d_model]
        var residual = matmul(x, wU).sub_(bU).abs().max().item<double>();
        var scale = Math.Max(1.0, bU.abs().max().item<double>());
        if (!(residual <= FoldTolerance * scale))
            throw new NotSupportedException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"cannot export to GGUF: gpt2 in llama.cpp has no output bias and unembed.b_U cannot be folded into the final LayerNorm's bias exactly ") +
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"(d_vocab {model.Config.DVocab}, d_model {model.Config.DModel}: a residual of {residual:G3}); train with use_bias false."));
        var shift = x.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        return outputNormBias.Select((b, i) => b + shift[i]).ToArray();
    }

    private static List<KeyValuePair<string, object>> Common(string arch, string name, HookedTransformerConfig cfg) =>
    [
        new("general.architecture", arch),
        new("general.name", name),
        new("general.file_type", 0u), // ALL_F32
        new($"{arch}.context_length", (uint)cfg.NCtx),
        new($"{arch}.embedding_length", (uint)cfg.DModel),
        new($"{arch}.block_count", (uint)cfg.NLayers),
        new($"{arch}.attention.head_count", (uint)cfg.NHeads),
    ];

    /// <summary>A 2-D tensor [rows, cols] (row-major) as GGUF ne=[cols, rows].</summary>
    private static GgufExportTensor Matrix(string name, Tensor t) => new(name, [t.shape[1], t.shape[0]], Values(t));

    private static GgufExportTensor Vector(string name, Tensor t) => new(name, [t.shape[0]], Values(t));

    private static GgufExportTensor NormWeight(string name, Normalization norm, int dModel) =>
        norm.w is { } w ? Vector(name, w) : new(name, [dModel], Enumerable.Repeat(1f, dModel).ToArray());

    private static GgufExportTensor[] NormPair(string prefix, Normalization norm, int dModel) =>
    [
        NormWeight($"{prefix}.weight", norm, dModel),
        norm.b is { } b ? Vector($"{prefix}.bias", b) : new($"{prefix}.bias", [dModel], new float[dModel]),
    ];

    private static float[] Values(Tensor t) => t.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
}
