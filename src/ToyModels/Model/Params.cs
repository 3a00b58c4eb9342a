using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>Parameter factories; the model fills W_ matrices from its seeded generator afterwards.</summary>
internal static class Params
{
    /// <summary>A trainable weight (initialized later by <see cref="HookedTransformer"/>).</summary>
    public static Parameter Weight(params long[] shape) => new(zeros(shape), requires_grad: true);

    /// <summary>A bias: zeros, frozen when the config has no biases (llama style).</summary>
    public static Parameter Bias(HookedTransformerConfig cfg, params long[] shape) => new(zeros(shape), requires_grad: cfg.UseBias);

    /// <summary>A norm gain: ones.</summary>
    public static Parameter Ones(params long[] shape) => new(ones(shape), requires_grad: true);
}
