namespace Probing.IclHarness.Llama;

/// <summary>The final normalization an architecture applies before its unembedding.</summary>
public enum FinalNormKind
{
    /// <summary>RMSNorm with a gain (llama, qwen, mistral, gemma, …).</summary>
    RmsNorm,

    /// <summary>LayerNorm with gain and bias (gpt2-style).</summary>
    LayerNorm,
}
