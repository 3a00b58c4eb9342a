using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tests.Trigram.Reference;

namespace Probing.ToyModels.Tests.Trigram;

/// <summary>
/// An attention-only model that solves a small trigram set exactly: one-hot token and position embeddings,
/// a QK circuit scoring (Y query, X key) trigram pairs +20 and the previous position +20 against +30 for
/// itself, and an OV circuit that writes 10 on Z's logit for each X. No token is both an X and a Y, so the
/// direct path contributes nothing.
/// </summary>
internal static class HandBuiltTrigramModel
{
    public const int V = 6, T = 8, D = V + T;

    public static TrigramSet Set { get; } = new(V, [new TrigramTriple(0, 1, 4), new TrigramTriple(2, 3, 5)]);

    public static OneLayerWeights Build()
    {
        var we = new float[V * D];
        for (var t = 0; t < V; t++) we[t * D + t] = 1;
        var wpos = new float[T * D];
        for (var p = 0; p < T; p++) wpos[p * D + V + p] = 1;
        var eye = Identity(D);
        // Score q·k / √D with q = x and k = x·Mᵀ·√D gives x_q M x_kᵀ.
        var m = new float[D * D];
        foreach (var t in Set.Trigrams) m[t.Y * D + t.X] = 20;
        for (var p = 0; p < T; p++)
        {
            m[(V + p) * D + V + p] = 30;
            if (p > 0) m[(V + p) * D + V + p - 1] = 20;
        }
        var wk = new float[D * D];
        var root = (float)Math.Sqrt(D);
        for (var i = 0; i < D; i++)
        for (var j = 0; j < D; j++) wk[i * D + j] = m[j * D + i] * root;
        var wv = new float[D * D];
        for (var t = 0; t < V; t++) wv[t * D + t] = 1;
        var wu = new float[D * V];
        foreach (var t in Set.Trigrams) wu[t.X * V + t.Z] = 10;
        return new OneLayerWeights(V, T, D, D, 0, "relu", we, wpos,
            eye, new float[D], wk, new float[D], wv, new float[D], Identity(D), new float[D],
            [], [], [], [], wu, new float[V]);
    }

    private static float[] Identity(int n)
    {
        var a = new float[n * n];
        for (var i = 0; i < n; i++) a[i * n + i] = 1;
        return a;
    }
}
