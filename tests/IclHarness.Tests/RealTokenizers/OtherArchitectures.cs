using Probing.Gguf;

namespace Probing.IclHarness.Tests.RealTokenizers;

/// <summary>
/// Tiny random models of architectures other than llama, with the tensors and keys llama.cpp's loader for each
/// asks for (src/models/phi3.cpp, gemma2.cpp, gemma3.cpp at the pinned commit) and a real tokenizer copied in.
/// </summary>
internal static class OtherArchitectures
{
    private const int Layers = 2, Embd = 32, Heads = 4, HeadsKv = 2, Ff = 64;

    public static string Write(string arch, GgufFile tokenizer, string path, float? softcap = null)
    {
        var vocab = ((string[])tokenizer.Metadata["tokenizer.ggml.tokens"].Value).Length;
        var kv = Embd / Heads * HeadsKv;
        var writer = new GgufWriter()
            .Add(GgufFile.ArchitectureKey, arch)
            .Add("general.name", $"tiny-{arch}-random")
            .Add($"{arch}.context_length", 512u)
            .Add($"{arch}.embedding_length", (uint)Embd)
            .Add($"{arch}.block_count", (uint)Layers)
            .Add($"{arch}.feed_forward_length", (uint)Ff)
            .Add($"{arch}.attention.head_count", (uint)Heads)
            .Add($"{arch}.attention.head_count_kv", (uint)HeadsKv)
            .Add($"{arch}.rope.dimension_count", (uint)(Embd / Heads))
            .Add($"{arch}.attention.layer_norm_rms_epsilon", 1e-6f);
        if (arch is "gemma2" or "gemma3") writer.Add($"{arch}.attention.sliding_window", 64u);
        if (arch == "granite") writer.Add("granite.logit_scale", 8f); // logits divided by 8: a final step the lens does not know
        if (softcap is { } cap) writer.Add($"{arch}.final_logit_softcapping", cap);
        foreach (var key in tokenizer.MetadataKeys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)))
            writer.Add(key, tokenizer.Metadata[key]);

        var random = new Random(5);
        void Tensor(string name, params long[] ne)
        {
            var isNorm = ne.Length == 1;
            var values = new float[ne.Aggregate(1L, (p, d) => p * d)];
            // Gemma's files store 1 + w in their norm weights; near 1 either way.
            var (mean, std) = isNorm ? (1.0, 0.1) : name == "token_embd.weight" ? (0.0, 1.0) : (0.0, 1.0 / Math.Sqrt(ne[0]));
            for (var i = 0; i < values.Length; i++)
                values[i] = (float)(mean + std * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            writer.AddTensor(name, values, ne);
        }

        Tensor("token_embd.weight", Embd, vocab);
        for (var l = 0; l < Layers; l++)
        {
            Tensor($"blk.{l}.attn_norm.weight", Embd);
            Tensor($"blk.{l}.attn_q.weight", Embd, Embd);
            Tensor($"blk.{l}.attn_k.weight", Embd, kv);
            Tensor($"blk.{l}.attn_v.weight", Embd, kv);
            Tensor($"blk.{l}.attn_output.weight", Embd, Embd);
            Tensor($"blk.{l}.ffn_norm.weight", Embd);
            if (arch == "phi3")
            {
                Tensor($"blk.{l}.ffn_up.weight", Embd, 2 * Ff); // gate and up, fused
                Tensor($"blk.{l}.ffn_down.weight", Ff, Embd);
                continue;
            }
            Tensor($"blk.{l}.ffn_gate.weight", Embd, Ff);
            Tensor($"blk.{l}.ffn_up.weight", Embd, Ff);
            Tensor($"blk.{l}.ffn_down.weight", Ff, Embd);
            if (arch == "granite") continue;
            Tensor($"blk.{l}.post_attention_norm.weight", Embd);
            Tensor($"blk.{l}.post_ffw_norm.weight", Embd);
            if (arch == "gemma3")
            {
                Tensor($"blk.{l}.attn_q_norm.weight", Embd / Heads);
                Tensor($"blk.{l}.attn_k_norm.weight", Embd / Heads);
            }
        }
        Tensor("output_norm.weight", Embd);
        if (arch is "phi3" or "granite") Tensor("output.weight", Embd, vocab);
        writer.Write(path);
        return path;
    }
}
