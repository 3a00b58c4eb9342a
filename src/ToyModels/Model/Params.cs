using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>Parameter factories; the model fills W_ matrices from its seeded generator afterwards.</summary>
internal static class Params
{
    /// <summary>
    /// The dtype of parameters built on this thread (null: libtorch's default, float32); set only while
    /// <see cref="HookedTransformer.CloneAs"/> builds a copy. Thread-local, so models built elsewhere meanwhile keep float32.
    /// </summary>
    [ThreadStatic]
    internal static ScalarType? BuildDtype;

    /// <summary>A trainable weight (initialized later by <see cref="HookedTransformer"/>).</summary>
    public static Parameter Weight(params long[] shape) => new(zeros(shape, dtype: BuildDtype), requires_grad: true);

    /// <summary>A bias: zeros, frozen when the config has no biases (llama style).</summary>
    public static Parameter Bias(HookedTransformerConfig cfg, params long[] shape) => new(zeros(shape, dtype: BuildDtype), requires_grad: cfg.UseBias);

    /// <summary>A norm gain: ones.</summary>
    public static Parameter Ones(params long[] shape) => new(ones(shape, dtype: BuildDtype), requires_grad: true);
}
