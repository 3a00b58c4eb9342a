using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// Scalars kept alive for the whole process, and tensor additions that use them. TorchSharp 0.107
/// creates a Scalar temporary whenever a C# number becomes a Scalar, and also inside
/// <c>Tensor + Tensor</c> / <c>add(Tensor)</c> / <c>add(Scalar)</c> (the implicit alpha 1) and
/// <c>square()</c> (pow(2)): once its handle is read the temporary is unreachable, and its finalizer can
/// free the native scalar while the native call still reads it ("toFloat" crash in THSTensor_add).
/// </summary>
internal static class TorchScalars
{
    /// <summary>1, the alpha of every plain addition.</summary>
    public static readonly Scalar One = 1;

    /// <summary>2, the exponent of a square.</summary>
    public static readonly Scalar Two = 2;

    /// <summary>a + b (broadcast) without TorchSharp's implicit alpha temporary.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + s without TorchSharp's implicit alpha temporary; s must itself be kept alive.</summary>
    public static Tensor Plus(this Tensor a, Scalar s) => a.add(s, One);

    /// <summary>x² elementwise (x.pow(2), as <c>square()</c> computes it) with a kept-alive exponent.</summary>
    public static Tensor Squared(this Tensor x) => x.pow(Two);
}
