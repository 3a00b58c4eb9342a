using System.Runtime.Intrinsics;
using Probing.Gguf;

namespace Probing.IclHarness.Llama;

/// <summary>
/// One layer's attention output projection <c>blk.N.attn_output.weight</c> (ne = [n_head·d_head, d_model], any
/// ggml type) applied head by head: head h writes Σ_{k in h's columns} W_O[o, k]·z[k] to residual row o
/// (TransformerLens <c>hook_result</c>). The matrix is decoded by ggml a few rows at a time into a per-thread
/// buffer, so no dense F32 copy of it ever exists; grouped-query attention needs nothing special because
/// <c>kqv_out</c> already holds one slice per query head.
/// </summary>
internal sealed unsafe class AttentionOutputProjection
{
    private const int TileRows = 16;
    private readonly GgufFile _file;
    private readonly GgufTensorInfo _weight;

    public AttentionOutputProjection(GgufFile file, int layer, int headCount, int embeddingSize)
    {
        _file = file;
        Layer = layer;
        _weight = file.FindTensor($"blk.{layer}.attn_output.weight")
            ?? throw new NotSupportedException($"{file.Path} has no blk.{layer}.attn_output.weight, so per-head attribution cannot split its attention output.");
        if (_weight.Dimensions.Count != 2 || _weight.Dimensions[1] != embeddingSize)
            throw new NotSupportedException($"blk.{layer}.attn_output.weight has shape {_weight.Shape}, expected [n_head·d_head, {embeddingSize}].");
        Width = (int)_weight.Dimensions[0];
        if (headCount < 1 || Width % headCount != 0)
            throw new NotSupportedException($"layer {layer}: attn_output.weight is {Width} wide, which {headCount} heads do not split evenly.");
        HeadCount = headCount;
        HeadSize = Width / headCount;
        EmbeddingSize = embeddingSize;
        Bias = file.FindTensor($"blk.{layer}.attn_output.bias") is not null ? GgmlDequantizer.Dequantize(file, $"blk.{layer}.attn_output.bias") : null;
        if (Bias is not null && Bias.Length != embeddingSize) throw new NotSupportedException($"blk.{layer}.attn_output.bias has {Bias.Length} values, expected {embeddingSize}.");
    }

    public int Layer { get; }

    /// <summary>n_head·d_head: the width of <c>kqv_out</c>.</summary>
    public int Width { get; }

    public int HeadCount { get; }

    public int HeadSize { get; }

    public int EmbeddingSize { get; }

    /// <summary>The ggml type of the stored matrix.</summary>
    public GgmlType Type => _weight.Type;

    /// <summary>b_O [d_model], or null.</summary>
    public float[]? Bias { get; }

    /// <summary>
    /// For <paramref name="sites"/> rows of <paramref name="z"/> [sites, n_head·d_head] and per-site directions
    /// <paramref name="directions"/> [sites, d_model]: writes each head's attribution Σ_o u[s, o]·result[s, h, o] into
    /// <paramref name="attribution"/> [sites, n_head] and the heads' summed output Σ_h result[s, h, :] (without b_O)
    /// into <paramref name="total"/> [sites, d_model].
    /// </summary>
    public void Apply(float[] z, double[] directions, int sites, double[] attribution, double[] total)
    {
        var (w, h, dh, d) = (Width, HeadCount, HeadSize, EmbeddingSize);
        if (z.Length != sites * w || directions.Length != sites * d || attribution.Length != sites * h || total.Length != sites * d)
            throw new ArgumentException("AttentionOutputProjection.Apply: array sizes do not match the sites.");
        var tiles = (d + TileRows - 1) / TileRows;
        var isF32 = _weight.Type == GgmlType.F32;
        // Each tile's partial attributions are summed in tile order afterwards: the same bytes on every run.
        var partials = new double[(long)tiles * sites * h]; // [tiles, sites, n_head]
        Parallel.For(0, tiles,
            () => isF32 ? [] : new float[TileRows * w],
            (tile, _, buffer) =>
            {
                var rows = Tile(tile, buffer, out var first, out var count); // [count, n_head·d_head]
                fixed (float* wp = rows)
                fixed (float* zp = z)
                fixed (double* pp = &partials[(long)tile * sites * h])
                {
                    for (var r = 0; r < count; r++)
                    {
                        var o = first + r;
                        var row = wp + (long)r * w; // [n_head·d_head]: one output dimension's weights
                        for (var s = 0; s < sites; s++)
                        {
                            var zs = zp + (long)s * w;
                            var u = directions[s * d + o];
                            var sum = 0.0;
                            for (var head = 0; head < h; head++)
                            {
                                var part = Dot(row + head * dh, zs + head * dh, dh); // result[s, head, o]
                                sum += part;
                                pp[s * h + head] += u * part;
                            }
                            total[s * d + o] = sum;
                        }
                    }
                }
                return buffer;
            },
            _ => { });
        Array.Clear(attribution);
        for (var tile = 0; tile < tiles; tile++)
            for (var i = 0; i < attribution.Length; i++) attribution[i] += partials[(long)tile * attribution.Length + i];
    }

    /// <summary>
    /// Each head's write to the residual for one row <paramref name="z"/> [n_head·d_head] of <c>kqv_out</c>:
    /// [n_head, d_model], row h = z_h·W_O[:, h] (TransformerLens <c>hook_result</c>, without b_O).
    /// </summary>
    public double[] HeadResults(ReadOnlySpan<float> z)
    {
        if (z.Length != Width) throw new ArgumentException($"kqv_out row has {z.Length} values, layer {Layer} has {Width}.");
        var (w, h, dh, d) = (Width, HeadCount, HeadSize, EmbeddingSize);
        var zs = z.ToArray();
        var results = new double[h * d]; // [n_head, d_model]
        var tiles = (d + TileRows - 1) / TileRows;
        var isF32 = _weight.Type == GgmlType.F32;
        Parallel.For(0, tiles,
            () => isF32 ? [] : new float[TileRows * w],
            (tile, _, buffer) =>
            {
                var rows = Tile(tile, buffer, out var first, out var count); // [count, n_head·d_head]
                fixed (float* wp = rows)
                fixed (float* zp = zs)
                {
                    for (var r = 0; r < count; r++)
                        for (var head = 0; head < h; head++)
                            results[head * d + first + r] = Dot(wp + (long)r * w + head * dh, zp + head * dh, dh); // result[head, o]
                }
                return buffer;
            },
            _ => { });
        return results;
    }

    private static double Dot(float* a, float* b, int n)
    {
        var acc = Vector256<float>.Zero;
        var k = 0;
        for (; k + 8 <= n; k += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(a + k), Vector256.Load(b + k), acc);
        double sum = Vector256.Sum(acc);
        for (; k < n; k++) sum += a[k] * b[k];
        return sum;
    }

    /// <summary>Output rows [first, first + count) of attn_output.weight as floats: the mapped file's own for F32, else decoded into <paramref name="buffer"/>.</summary>
    private ReadOnlySpan<float> Tile(int tile, float[] buffer, out int first, out int count)
    {
        first = tile * TileRows;
        count = Math.Min(TileRows, EmbeddingSize - first);
        if (_weight.Type == GgmlType.F32)
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_file.GetTensorBytes(_weight)).Slice(first * Width, count * Width);
        GgmlDequantizer.DequantizeRows(_file, _weight, first, count, buffer);
        return buffer.AsSpan(0, count * Width);
    }
}
