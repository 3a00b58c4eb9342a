using Probing.ToyModels.Export;

namespace Probing.ToyModels.Tests.Export;

/// <summary>
/// A plain, double-precision re-implementation of what llama.cpp's <c>llama</c> and <c>gpt2</c> graphs compute
/// from GGUF tensors (ne[0] fastest; mul_mat(W[ne=in,out], x) = W·x; NORM RoPE on adjacent pairs; tanh GELU),
/// so the exporter's layouts can be checked without llama.cpp.
/// </summary>
internal sealed class LlamaCppReference
{
    private readonly Dictionary<string, GgufExportTensor> _t;
    private readonly Dictionary<string, object> _meta;
    private readonly string _arch;

    public LlamaCppReference(GgufExport export)
    {
        _t = export.Tensors.ToDictionary(t => t.Name);
        _meta = export.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        _arch = export.Architecture;
    }

    private uint U(string key) => (uint)_meta[$"{_arch}.{key}"];
    private float F(string key) => (float)_meta[$"{_arch}.{key}"];

    /// <summary>Logits [pos][vocab] for one sequence.</summary>
    public double[][] Logits(int[] tokens)
    {
        var nLayer = (int)U("block_count");
        var nHead = (int)U("attention.head_count");
        var nEmbd = (int)U("embedding_length");
        var llama = _arch == "llama";
        var dHead = llama ? (int)U("attention.key_length") : nEmbd / nHead;
        var eps = llama ? F("attention.layer_norm_rms_epsilon") : F("attention.layer_norm_epsilon");
        var n = tokens.Length;
        var x = tokens.Select((tok, p) =>
        {
            var e = Row("token_embd.weight", tok);
            if (!llama) e = Add(e, Row("position_embd.weight", p));
            return e;
        }).ToArray();
        for (var l = 0; l < nLayer; l++)
        {
            var h = x.Select(v => Norm(v, $"blk.{l}.attn_norm", eps, llama)).ToArray();
            double[][] q, k, v;
            if (llama)
            {
                q = h.Select((hv, p) => Rope(MatVec($"blk.{l}.attn_q.weight", hv), p, nHead, dHead)).ToArray();
                k = h.Select((hv, p) => Rope(MatVec($"blk.{l}.attn_k.weight", hv), p, nHead, dHead)).ToArray();
                v = h.Select(hv => MatVec($"blk.{l}.attn_v.weight", hv)).ToArray();
            }
            else
            {
                var qkv = h.Select(hv => Add(MatVec($"blk.{l}.attn_qkv.weight", hv), Vec($"blk.{l}.attn_qkv.bias"))).ToArray();
                q = qkv.Select(r => r[..nEmbd]).ToArray();
                k = qkv.Select(r => r[nEmbd..(2 * nEmbd)]).ToArray();
                v = qkv.Select(r => r[(2 * nEmbd)..]).ToArray();
            }
            for (var p = 0; p < n; p++)
            {
                var z = new double[nHead * dHead];
                for (var hd = 0; hd < nHead; hd++)
                {
                    var scores = new double[p + 1];
                    for (var s = 0; s <= p; s++)
                    {
                        double dot = 0;
                        for (var j = 0; j < dHead; j++) dot += q[p][hd * dHead + j] * k[s][hd * dHead + j];
                        scores[s] = dot / Math.Sqrt(dHead);
                    }
                    var max = scores.Max();
                    var w = scores.Select(sc => Math.Exp(sc - max)).ToArray();
                    var sum = w.Sum();
                    for (var s = 0; s <= p; s++)
                        for (var j = 0; j < dHead; j++) z[hd * dHead + j] += w[s] / sum * v[s][hd * dHead + j];
                }
                var o = MatVec($"blk.{l}.attn_output.weight", z);
                if (!llama) o = Add(o, Vec($"blk.{l}.attn_output.bias"));
                x[p] = Add(x[p], o);
            }
            for (var p = 0; p < n; p++)
            {
                var hn = Norm(x[p], $"blk.{l}.ffn_norm", eps, llama);
                double[] act;
                if (llama)
                {
                    var g = MatVec($"blk.{l}.ffn_gate.weight", hn);
                    var u = MatVec($"blk.{l}.ffn_up.weight", hn);
                    act = g.Select((gv, i) => gv / (1 + Math.Exp(-gv)) * u[i]).ToArray();
                }
                else
                {
                    var u = Add(MatVec($"blk.{l}.ffn_up.weight", hn), Vec($"blk.{l}.ffn_up.bias"));
                    act = u.Select(a => 0.5 * a * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (a + 0.044715 * a * a * a)))).ToArray();
                }
                var down = MatVec($"blk.{l}.ffn_down.weight", act);
                if (!llama) down = Add(down, Vec($"blk.{l}.ffn_down.bias"));
                x[p] = Add(x[p], down);
            }
        }
        var output = _t.ContainsKey("output.weight") ? "output.weight" : "token_embd.weight";
        return x.Select(xv => MatVec(output, Norm(xv, "output_norm", eps, llama))).ToArray();
    }

    private double[] Rope(double[] x, int pos, int nHead, int dHead)
    {
        var nRot = (int)U("rope.dimension_count");
        var freqBase = F("rope.freq_base");
        var y = (double[])x.Clone();
        for (var h = 0; h < nHead; h++)
            for (var i = 0; i < nRot / 2; i++)
            {
                var theta = pos * Math.Pow(freqBase, -2.0 * i / nRot);
                var (a, b) = (x[h * dHead + 2 * i], x[h * dHead + 2 * i + 1]);
                y[h * dHead + 2 * i] = a * Math.Cos(theta) - b * Math.Sin(theta);
                y[h * dHead + 2 * i + 1] = a * Math.Sin(theta) + b * Math.Cos(theta);
            }
        return y;
    }

    private double[] Norm(double[] x, string prefix, double eps, bool rms)
    {
        var mean = rms ? 0 : x.Average();
        var c = x.Select(v => v - mean).ToArray();
        var scale = Math.Sqrt(c.Select(v => v * v).Average() + eps);
        var w = Vec($"{prefix}.weight");
        var y = c.Select((v, i) => v / scale * w[i]).ToArray();
        return rms ? y : Add(y, Vec($"{prefix}.bias"));
    }

    private double[] MatVec(string name, double[] x)
    {
        var t = _t[name];
        var (nIn, nOut) = ((int)t.Ne[0], (int)t.Ne[1]);
        Assert.Equal(nIn, x.Length);
        var y = new double[nOut];
        for (var o = 0; o < nOut; o++)
        {
            double s = 0;
            for (var i = 0; i < nIn; i++) s += t.Data[o * nIn + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    private double[] Row(string name, int row)
    {
        var t = _t[name];
        var width = (int)t.Ne[0];
        return t.Data.Skip(row * width).Take(width).Select(f => (double)f).ToArray();
    }

    private double[] Vec(string name) => _t[name].Data.Select(f => (double)f).ToArray();

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();
}
