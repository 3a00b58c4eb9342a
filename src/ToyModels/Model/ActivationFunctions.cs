using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>The MLP activations, with TransformerLens's act_fn names.</summary>
internal static class ActivationFunctions
{
    /// <summary>Every supported act_fn.</summary>
    public static readonly string[] Names = ["relu", "gelu", "gelu_new", "silu", "solu"];

    // Kept in static fields: implicit Scalar temporaries can be finalized mid-call (DEVELOPERS.md).
    private static readonly Scalar Half = 0.5;
    private static readonly Scalar One = 1.0;
    private static readonly Scalar Cubic = 0.044715;
    private static readonly Scalar SqrtTwoOverPi = Math.Sqrt(2.0 / Math.PI);

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name);

    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "relu" => nn.functional.relu(x),
        "gelu" => nn.functional.gelu(x), // exact (erf), as torch's F.gelu default
        "gelu_new" => GeluNew(x),
        "silu" => nn.functional.silu(x),
        "solu" => x * x.softmax(-1), // SoLU without the LayerNorm (TransformerLens "solu")
        _ => throw new ArgumentException($"act_fn '{name}' is not supported; use one of {string.Join(", ", Names)}."),
    };

    /// <summary>GPT-2's tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    private static Tensor GeluNew(Tensor x)
    {
        var inner = x.Plus(x * x.Squared() * Cubic) * SqrtTwoOverPi;
        return x * Half * inner.tanh().Plus(One);
    }
}
