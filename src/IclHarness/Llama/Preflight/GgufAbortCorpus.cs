using Probing.Gguf;

namespace Probing.IclHarness.Llama.Preflight;

/// <summary>
/// One tiny model per class of metadata that llama.cpp loads and then aborts on (GGML_ASSERT, or an exception through
/// its C API) or hangs on, as found by reading llama.cpp's asserts and by the semantic fuzzer
/// (<c>tests/Fuzz.Gguf --semantic</c>), in the llama.cpp of node-llama-cpp 3.22.1 or of LLamaSharp 0.30.0.
/// The models are built by code, never committed; the preflight must refuse each with one line naming
/// <see cref="GgufAbortCase.Expected"/>, and the CLI tests run each through <c>probe</c>.
/// </summary>
public static class GgufAbortCorpus
{
    private static readonly TinyLlamaConfig Config = new(NLayer: 1, NEmbd: 32, NHead: 2, NHeadKv: 1, NFf: 32, NCtx: 64);

    /// <summary>
    /// Every case; the assert each one reaches in llama.cpp is in its <see cref="GgufAbortCase.Abort"/>
    /// (<c>tests/Fuzz.Gguf --corpus-check</c> shows each one abort a worker process without the preflight).
    /// </summary>
    public static IReadOnlyList<GgufAbortCase> Cases { get; } =
    [
        new("rms-eps-nan", "llama", "layer_norm_rms_epsilon", "ggml-cpu ops.cpp rms_norm: GGML_ASSERT(eps >= 0.0f)"),
        new("rms-eps-negative", "llama", "layer_norm_rms_epsilon", "ggml-cpu ops.cpp rms_norm: GGML_ASSERT(eps >= 0.0f)"),
        new("rope-scaling-unknown", "llama", "rope.scaling.type", "llama-model.cpp load_hparams: GGML_ASSERT(rope_scaling_type_train != UNSPECIFIED)"),
        new("block-count-zero", "llama", "block_count", "llama-model.cpp load_hparams: GGML_ASSERT(n_layer_all > 0 && <= LLAMA_MAX_LAYERS)"),
        new("block-count-huge", "llama", "block_count", "llama-model.cpp load_hparams: GGML_ASSERT(n_layer_all > 0 && <= LLAMA_MAX_LAYERS)"),
        new("experts-used-without-experts", "llama", "expert", "llama-model.cpp load_hparams: GGML_ASSERT(n_expert_used_max <= n_expert)"),
        new("experts-none-used", "llama", "expert_used_count", "llama-model.cpp load_hparams: GGML_ASSERT(n_expert_used_max > 0)"),
        new("expert-groups-without-experts", "llama", "expert", "llama-model.cpp load_hparams: GGML_ASSERT(n_expert_groups == 0)"),
        new("merges-not-strings", "gpt2", "tokenizer.ggml.merges", "LLamaSharp 0.30.0's llama.cpp: gguf.cpp GGML_ASSERT(type == GGUF_TYPE_STRING) reading the merges"),
        new("suppress-tokens-string", "gpt2", "suppress_tokens", "LLamaSharp 0.30.0's llama.cpp: gguf.cpp GGML_ASSERT(type != GGUF_TYPE_STRING) reading suppress_tokens"),
        new("head-count-kv-strings", "llama", "head_count_kv", "LLamaSharp 0.30.0's llama.cpp: llama-model-loader.cpp GGML_ASSERT(is_same<T, std::string>) in get_arr"),
        new("rwkv-prefix-without-byte", "rwkv", "loop forever", "llama-vocab.cpp RWKV tokenize: endless loop (a hang, output growing without bound)"),
        new("nextn-more-than-layers", "llama", "nextn_predict_layers", "llama-model.cpp load_hparams: GGML_ASSERT(n_layer_nextn <= n_layer_all)"),
        new("model-none", "llama", "tokenizer.ggml.model", "llama-vocab.cpp tokenize: GGML_ASSERT(tokenizer && \"Tokenizer not initialized\")"),
        new("model-no-vocab", "llama", "tokenizer.ggml.model", "llama-vocab.cpp tokenize: GGML_ASSERT(tokenizer && \"Tokenizer not initialized\")"),
        new("duplicate-token", "llama", "twice", "llama-vocab.cpp load: GGML_ASSERT(id_to_token.size() == token_to_id.size())"),
        new("empty-token-collides", "llama", "[EMPTY_", "llama-vocab.cpp load: GGML_ASSERT(id_to_token.size() == token_to_id.size())"),
        new("model-bert-over-spm", "llama", "byte token", "llama-vocab.cpp token_to_byte (WPM): GGML_ABORT"),
        new("model-bert-without-sep", "bert", "seperator_token_id", "llama-vocab.cpp tokenize (WPM): GGML_ASSERT(special_sep_id != LLAMA_TOKEN_NULL)"),
        new("byte-token-type", "bert", "byte token", "llama-vocab.cpp token_to_byte (WPM): GGML_ABORT"),
        new("charsmap-out-of-bounds", "t5", "precompiled_charsmap", "llama-vocab.cpp normalize: throw \"Index out of array bounds in XCDA array\" through llama_tokenize"),
        new("charsmap-unterminated", "t5", "precompiled_charsmap", "llama-vocab.cpp normalize: throw \"Unterminated string in precompiled charsmap\" through llama_tokenize"),
        new("no-bos-but-add-bos-chatglm", "gpt2", "bos_token_id", "llama-vocab.cpp tokenize (BPE): GGML_ASSERT(vocab.token_bos() != LLAMA_TOKEN_NULL)"),
        new("gpt2-duplicate-token", "gpt2", "twice", "llama-vocab.cpp load: GGML_ASSERT(id_to_token.size() == token_to_id.size())"),
    ];

    /// <summary>The GGUF bytes of case <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such case.</exception>
    public static byte[] Build(string name)
    {
        var @case = Cases.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"no abort case '{name}'.", nameof(name));
        var vocabulary = TinyVocabulary.Of(@case.Tokenizer);
        var writer = TinyLlamaBuilder.Build(Config, vocabulary);
        var tokens = vocabulary.Tokens.ToArray();
        switch (name)
        {
            case "rms-eps-nan": writer.Add("llama.attention.layer_norm_rms_epsilon", float.NaN); break;
            case "rms-eps-negative": writer.Add("llama.attention.layer_norm_rms_epsilon", -1e-5f); break;
            case "norm-eps-infinite": writer.Add("llama.attention.layer_norm_epsilon", float.PositiveInfinity); break;
            case "rope-scaling-unknown": writer.Add("llama.rope.scaling.type", "dynamic"); break;
            case "rope-freq-base-nan": writer.Add("llama.rope.freq_base", float.NaN); break;
            case "rope-dimension-odd": writer.Add("llama.rope.dimension_count", 15u); break;
            case "key-value-widths-differ": writer.Add("llama.attention.value_length", 8u); break;
            case "block-count-zero": writer.Add("llama.block_count", 0u); break;
            case "block-count-huge": writer.Add("llama.block_count", 100000u); break;
            case "experts-used-without-experts": writer.Add("llama.expert_used_count", 2u); break;
            case "experts-none-used": writer.Add("llama.expert_count", 4u); break;
            case "expert-groups-without-experts": writer.Add("llama.expert_group_count", 2u); break;
            case "merges-not-strings": writer.Add("tokenizer.ggml.merges", new[] { 0, 1, 2, 3 }); break;
            case "suppress-tokens-string": writer.Add("tokenizer.ggml.suppress_tokens", "longrope"); break;
            case "head-count-kv-strings": writer.Add("llama.attention.head_count_kv", new[] { "1" }); break;
            case "rwkv-prefix-without-byte": // "10" and "12" but no "1": the fuzzer's hang, seed 2002
                tokens[Array.IndexOf(tokens, "1")] = "10";
                tokens[Array.IndexOf(tokens, "2")] = "12";
                writer.Add("tokenizer.ggml.tokens", tokens);
                break;
            case "nextn-more-than-layers": writer.Add("llama.nextn_predict_layers", 2u); break;
            case "model-none": writer.Add("tokenizer.ggml.model", "none"); break;
            case "model-no-vocab": writer.Add("tokenizer.ggml.model", "no_vocab"); break;
            case "model-bert-over-spm": writer.Add("tokenizer.ggml.model", "bert"); break;
            case "duplicate-token" or "gpt2-duplicate-token": tokens[^1] = tokens[^2]; writer.Add("tokenizer.ggml.tokens", tokens); break;
            case "empty-token-collides":
                // llama.cpp renames an empty text to "[EMPTY_<id>]", which here collides with the token before it.
                tokens[^1] = "";
                tokens[^2] = $"[EMPTY_{tokens.Length - 1}]";
                writer.Add("tokenizer.ggml.tokens", tokens);
                break;
            case "model-bert-without-sep": // the default [SEP] id 102 is outside this small vocabulary
                writer.Add("tokenizer.ggml.seperator_token_id", 100000u);
                break;
            case "byte-token-type":
                var types = Enumerable.Repeat(1, tokens.Length).ToArray();
                types[7] = 6;
                writer.Add("tokenizer.ggml.token_type", types);
                break;
            case "charsmap-out-of-bounds":
                // Root BASE 0 and 11 nodes: "\n" (the newline llama.cpp tokenizes while loading) stays inside, '(' does not.
                writer.Add("tokenizer.ggml.precompiled_charsmap", Charsmap(new uint[11], [0]));
                break;
            case "charsmap-unterminated":
                var nodes = new uint[256];
                nodes[0] = 1u << 10;                           // root: BASE 1
                nodes[0x29] = (0x28u << 10) | (1u << 8) | '('; // 1 ^ '(': LCHECK '(', leaf, value node 0x29 ^ 0x28 = 1 (offset 0)
                writer.Add("tokenizer.ggml.precompiled_charsmap", Charsmap(nodes, "bb"u8.ToArray()));
                break;
            case "no-bos-but-add-bos-chatglm": // chatglm's pre-tokenizer has no default BOS; an out-of-range id keeps that
                writer.Add("tokenizer.ggml.pre", "chatglm-bpe").Add("tokenizer.ggml.bos_token_id", 100000u).Add("tokenizer.ggml.add_bos_token", true);
                break;
            default: throw new ArgumentException($"no builder for abort case '{name}'.", nameof(name));
        }

        return writer.ToArray();
    }

    /// <summary>A Unigram normalizer table: its byte length, the XCDA nodes, then the replacement strings.</summary>
    public static byte[] Charsmap(uint[] nodes, byte[] strings)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(strings);
        var bytes = new byte[4 + 4 * nodes.Length + strings.Length];
        BitConverter.TryWriteBytes(bytes, (uint)(4 * nodes.Length));
        for (var i = 0; i < nodes.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 + 4 * i), nodes[i]);
        strings.CopyTo(bytes, 4 + 4 * nodes.Length);
        return bytes;
    }
}
