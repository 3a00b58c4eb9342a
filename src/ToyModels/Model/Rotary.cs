using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Model;

/// <summary>
/// Rotary position embedding on the first rotary_dim dims of each head, as TransformerLens computes it:
/// angle(p, i) = p / base^(2i/rotary_dim). Rotate-half (NeoX, TransformerLens's default) pairs dim i with
/// i + rotary_dim/2; adjacent pairs (GPT-J, llama.cpp's <c>llama</c>) pair 2i with 2i+1.
/// </summary>
internal sealed class Rotary
{
    private readonly int _rotaryDim;
    private readonly bool _adjacent;
    private readonly Tensor _sin; // [n_ctx, rotary_dim]
    private readonly Tensor _cos; // [n_ctx, rotary_dim]

    public Rotary(HookedTransformerConfig cfg)
    {
        _rotaryDim = cfg.EffectiveRotaryDim;
        _adjacent = cfg.RotaryAdjacentPairs;
        var half = _rotaryDim / 2;
        var angles = new float[cfg.NCtx * _rotaryDim];
        for (var p = 0; p < cfg.NCtx; p++)
            for (var j = 0; j < _rotaryDim; j++)
            {
                var i = _adjacent ? j / 2 : j % half; // frequency index of dim j
                angles[p * _rotaryDim + j] = (float)(p / Math.Pow(cfg.RotaryBase, 2.0 * i / _rotaryDim));
            }
        using var a = tensor(angles, [cfg.NCtx, _rotaryDim]);
        _sin = a.sin().DetachFromDisposeScope();
        _cos = a.cos().DetachFromDisposeScope();
    }

    /// <summary>x [batch, pos, head_index, d_head] → the same shape, rotated by position.</summary>
    public Tensor Apply(Tensor x)
    {
        var pos = x.shape[1];
        var dHead = x.shape[3];
        var rot = x.narrow(-1, 0, _rotaryDim); // [batch, pos, head_index, rotary_dim]
        var sin = _sin.to(x.device).narrow(0, 0, pos).unsqueeze(1); // [pos, 1, rotary_dim]
        var cos = _cos.to(x.device).narrow(0, 0, pos).unsqueeze(1); // [pos, 1, rotary_dim]
        var rotated = (rot * cos).Plus(RotateEveryTwo(rot) * sin); // [batch, pos, head_index, rotary_dim]
        return _rotaryDim == dHead ? rotated : cat([rotated, x.narrow(-1, _rotaryDim, dHead - _rotaryDim)], -1);
    }

    /// <summary>The partner of each dim, negated where it enters with a minus sign.</summary>
    private Tensor RotateEveryTwo(Tensor x)
    {
        var shape = x.shape;
        if (_adjacent)
        {
            // (x0, x1, x2, x3, …) → (−x1, x0, −x3, x2, …)
            var pairs = x.reshape([.. shape[..^1], _rotaryDim / 2, 2]); // [..., rotary_dim/2, 2]
            var even = pairs.select(-1, 0);
            var odd = pairs.select(-1, 1);
            return stack([odd.neg(), even], -1).reshape(shape);
        }
        var half = _rotaryDim / 2;
        // (x_a, x_b) → (−x_b, x_a) with a, b the two halves
        return cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
    }
}
