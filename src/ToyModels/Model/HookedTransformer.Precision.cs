using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

public sealed partial class HookedTransformer
{
    /// <summary>
    /// A copy of this model with its weights in <paramref name="dtype"/> (TransformerLens's <c>model.to(dtype)</c>):
    /// e.g. float64, so that analyses run the model's own forward pass, hooks and circuits in double precision.
    /// The copy has the same config and hook names, lives on the CPU, and is the caller's to dispose.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point type.</exception>
    public HookedTransformer CloneAs(ScalarType dtype)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"dtype {dtype} is not a floating-point type; use Float32 or Float64.", nameof(dtype));
        // Module.to(dtype) cannot be used: TorchSharp re-assigns parameters through same-named properties,
        // and ours (W_Q, W_E …) are read-only views of the registered parameters.
        var previous = Params.BuildDtype;
        Params.BuildDtype = dtype;
        HookedTransformer copy;
        try
        {
            copy = new HookedTransformer(Config);
        }
        finally
        {
            Params.BuildDtype = previous;
        }
        try
        {
            var weights = StateDict();
            try
            {
                copy.LoadWeights(weights.ToDictionary(kv => kv.Key, kv => kv.Value.cpu(), StringComparer.Ordinal));
            }
            finally
            {
                foreach (var (_, t) in weights) t.Dispose();
            }
            copy.train(training);
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }
}
