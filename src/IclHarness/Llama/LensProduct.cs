using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Probing.IclHarness.Gguf;

namespace Probing.IclHarness.Llama;

/// <summary>
/// out[r, v] = Σ_d x[r, d] · W[v, d] for a GGUF matrix W of any ggml type, without materializing W in
/// F32: vocabulary tiles are decoded by ggml into a per-thread buffer (F32 is read from the map in place)
/// and multiplied against all rows at once with a 4×2 FMA kernel, tiles in parallel.
/// </summary>
internal static unsafe class LensProduct
{
    private const int TileRows = 64;

    public static float[] Multiply(GgufFile file, GgufTensorInfo matrix, float[] x, int rows)
    {
        var output = new float[(long)rows * matrix.Dimensions[1]]; // [rows, d_vocab]
        Multiply(file, matrix, x, rows, output);
        return output;
    }

    /// <summary>Writes the product into the first rows × d_vocab floats of <paramref name="output"/>, so a caller can reuse one buffer.</summary>
    public static void Multiply(GgufFile file, GgufTensorInfo matrix, float[] x, int rows, float[] output)
    {
        var d = (int)matrix.Dimensions[0];
        var vocab = (int)matrix.Dimensions[1];
        if (output.LongLength < (long)rows * vocab) throw new ArgumentException($"the output holds {output.LongLength} floats, fewer than {rows} × {vocab}.");
        var tiles = (vocab + TileRows - 1) / TileRows;
        var isF32 = matrix.Type == GgmlType.F32;
        Parallel.For(0, tiles, () => isF32 ? null : new float[TileRows * d], (tile, _, buffer) =>
        {
            var first = tile * TileRows;
            var count = Math.Min(TileRows, vocab - first);
            ReadOnlySpan<float> w;
            if (isF32) w = MemoryMarshal.Cast<byte, float>(file.GetTensorBytes(matrix)).Slice(first * d, count * d);
            else
            {
                GgmlDequantizer.DequantizeRows(file, matrix, first, count, buffer);
                w = buffer.AsSpan(0, count * d);
            }
            fixed (float* wp = w)
            fixed (float* xp = x)
            fixed (float* op = output)
                Tile(xp, rows, wp, count, d, op + first, vocab);
            return buffer;
        }, _ => { });
    }

    // out rows are strided by `stride` (= d_vocab); w holds `count` rows of d floats.
    private static void Tile(float* x, int rows, float* w, int count, int d, float* output, int stride)
    {
        var r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            var v = 0;
            for (; v + 4 <= count; v += 4) Dot4x4(x + (long)r * d, w + (long)v * d, d, output + (long)r * stride + v, stride);
            for (; v + 2 <= count; v += 2) Dot4x2(x + (long)r * d, w + (long)v * d, d, output + (long)r * stride + v, stride);
            for (; v < count; v++)
                for (var i = 0; i < 4; i++) output[(long)(r + i) * stride + v] = Dot(x + (long)(r + i) * d, w + (long)v * d, d);
        }
        for (; r < rows; r++)
            for (var v = 0; v < count; v++) output[(long)r * stride + v] = Dot(x + (long)r * d, w + (long)v * d, d);
    }

    // 16 accumulators: with AVX-512's 32 vector registers the JIT keeps them all in registers, and each
    // step loads 8 vectors for 16 FMAs.
    private static void Dot4x4(float* x, float* w, int d, float* output, int stride)
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
        var x1 = x + d; var x2 = x1 + d; var x3 = x2 + d;
        var w1 = w + d; var w2 = w1 + d; var w3 = w2 + d;
        var k = 0;
        for (; k + 8 <= d; k += 8)
        {
            var b0 = Vector256.Load(w + k);
            var b1 = Vector256.Load(w1 + k);
            var b2 = Vector256.Load(w2 + k);
            var b3 = Vector256.Load(w3 + k);
            var c = Vector256.Load(x + k);
            a00 = Vector256.FusedMultiplyAdd(c, b0, a00); a01 = Vector256.FusedMultiplyAdd(c, b1, a01);
            a02 = Vector256.FusedMultiplyAdd(c, b2, a02); a03 = Vector256.FusedMultiplyAdd(c, b3, a03);
            c = Vector256.Load(x1 + k);
            a10 = Vector256.FusedMultiplyAdd(c, b0, a10); a11 = Vector256.FusedMultiplyAdd(c, b1, a11);
            a12 = Vector256.FusedMultiplyAdd(c, b2, a12); a13 = Vector256.FusedMultiplyAdd(c, b3, a13);
            c = Vector256.Load(x2 + k);
            a20 = Vector256.FusedMultiplyAdd(c, b0, a20); a21 = Vector256.FusedMultiplyAdd(c, b1, a21);
            a22 = Vector256.FusedMultiplyAdd(c, b2, a22); a23 = Vector256.FusedMultiplyAdd(c, b3, a23);
            c = Vector256.Load(x3 + k);
            a30 = Vector256.FusedMultiplyAdd(c, b0, a30); a31 = Vector256.FusedMultiplyAdd(c, b1, a31);
            a32 = Vector256.FusedMultiplyAdd(c, b2, a32); a33 = Vector256.FusedMultiplyAdd(c, b3, a33);
        }
        Span<float> s = stackalloc float[16];
        s[0] = Vector256.Sum(a00); s[1] = Vector256.Sum(a01); s[2] = Vector256.Sum(a02); s[3] = Vector256.Sum(a03);
        s[4] = Vector256.Sum(a10); s[5] = Vector256.Sum(a11); s[6] = Vector256.Sum(a12); s[7] = Vector256.Sum(a13);
        s[8] = Vector256.Sum(a20); s[9] = Vector256.Sum(a21); s[10] = Vector256.Sum(a22); s[11] = Vector256.Sum(a23);
        s[12] = Vector256.Sum(a30); s[13] = Vector256.Sum(a31); s[14] = Vector256.Sum(a32); s[15] = Vector256.Sum(a33);
        for (var i = 0; i < 4; i++)
        {
            var xi = x + (long)i * d;
            for (var j = 0; j < 4; j++)
            {
                var wj = w + (long)j * d;
                var sum = s[i * 4 + j];
                for (var t = k; t < d; t++) sum += xi[t] * wj[t];
                output[(long)i * stride + j] = sum;
            }
        }
    }

    private static void Dot4x2(float* x, float* w, int d, float* output, int stride)
    {
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
        Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
        var x1 = x + d; var x2 = x1 + d; var x3 = x2 + d; var w1 = w + d;
        var k = 0;
        for (; k + 8 <= d; k += 8)
        {
            var b0 = Vector256.Load(w + k);
            var b1 = Vector256.Load(w1 + k);
            var c = Vector256.Load(x + k);
            a00 = Vector256.FusedMultiplyAdd(c, b0, a00); a01 = Vector256.FusedMultiplyAdd(c, b1, a01);
            c = Vector256.Load(x1 + k);
            a10 = Vector256.FusedMultiplyAdd(c, b0, a10); a11 = Vector256.FusedMultiplyAdd(c, b1, a11);
            c = Vector256.Load(x2 + k);
            a20 = Vector256.FusedMultiplyAdd(c, b0, a20); a21 = Vector256.FusedMultiplyAdd(c, b1, a21);
            c = Vector256.Load(x3 + k);
            a30 = Vector256.FusedMultiplyAdd(c, b0, a30); a31 = Vector256.FusedMultiplyAdd(c, b1, a31);
        }
        float s00 = Vector256.Sum(a00), s01 = Vector256.Sum(a01), s10 = Vector256.Sum(a10), s11 = Vector256.Sum(a11);
        float s20 = Vector256.Sum(a20), s21 = Vector256.Sum(a21), s30 = Vector256.Sum(a30), s31 = Vector256.Sum(a31);
        for (; k < d; k++)
        {
            s00 += x[k] * w[k]; s01 += x[k] * w1[k]; s10 += x1[k] * w[k]; s11 += x1[k] * w1[k];
            s20 += x2[k] * w[k]; s21 += x2[k] * w1[k]; s30 += x3[k] * w[k]; s31 += x3[k] * w1[k];
        }
        output[0] = s00; output[1] = s01;
        output[stride] = s10; output[stride + 1] = s11;
        output[2 * stride] = s20; output[2 * stride + 1] = s21;
        output[3 * stride] = s30; output[3 * stride + 1] = s31;
    }

    private static float Dot(float* x, float* w, int d)
    {
        var acc = Vector256<float>.Zero;
        var k = 0;
        for (; k + 8 <= d; k += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(x + k), Vector256.Load(w + k), acc);
        var sum = Vector256.Sum(acc);
        for (; k < d; k++) sum += x[k] * w[k];
        return sum;
    }
}
