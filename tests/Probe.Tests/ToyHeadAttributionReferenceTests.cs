using Probing.Cli;
using Probing.IclHarness.Llama;
using Probing.ToyModels.Checkpoints;
using static TorchSharp.torch;

namespace Probing.Probe.Tests;

/// <summary>
/// Per-head direct logit attribution through llama.cpp (kqv_out-N captured by cb_eval, W_O sliced per head from
/// the GGUF) against TransformerLens-style analysis of the same trained toy model in TorchSharp:
/// <c>stack_head_results</c> (hook_z·W_O) and <c>logit_attrs</c> with the final norm's scale frozen from the cache.
/// Two independent paths: different runtimes, different code, the same numbers.
/// </summary>
public sealed class ToyHeadAttributionReferenceTests
{
    [Fact]
    public void GivenAToyLlamaExportedToGguf_WhenHeadsAreAttributedThroughLlamaCpp_ThenTheyMatchTransformerLensStyleResults()
    {
        var folder = Directory.CreateTempSubdirectory("toy-heads-");
        try
        {
            var run = Path.Combine(folder.FullName, "run");
            var gguf = Path.Combine(folder.FullName, "m.gguf");
            var config = Path.Combine(folder.FullName, "config.json");
            File.WriteAllText(config, "{}");
            var error = new StringWriter();
            Assert.Equal(ExitCodes.Ok, ProbeApp.Run(["toy", "train", "--task", "copy", "--preset", "llama", "--steps", "3", "--out", run, "--config", config], TextWriter.Null, error));
            Assert.True(ProbeApp.Run(["toy", "export-gguf", "--checkpoint", run, "--out", gguf], TextWriter.Null, error) == ExitCodes.Ok, error.ToString());
            int[] tokens = [3, 1, 4, 1, 5, 9, 2, 6, 3, 1, 4, 1, 5, 9, 2];
            int[] positions = [4, 9, 14];
            int[] correct = [9, 1, 7];
            int[] baseline = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

            using var model = LlamaModel.Load(gguf);
            using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 64, Threads = 1, ExactKvCache = true });
            var dla = DirectLogitAttribution.Create(model);
            var capture = context.Evaluate(tokens, new EvaluationOptions { Capture = dla.Request(positions), AllPositions = false }).Capture!;
            var ours = dla.Attribute(positions.Select((p, i) => new AttributionSite(capture, p, correct[i], baseline)).ToArray());
            Assert.True(ours.Completeness.Passed, $"completeness {ours.Completeness.WorstError:E2}");

            using var torchModel = ToyCheckpoint.LoadModel(run);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (_, cache) = torchModel.RunWithCache(tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Length]));
            using (cache)
            {
                var cfg = torchModel.Config;
                var worst = 0.0;
                var largest = 0.0;
                for (var i = 0; i < positions.Length; i++)
                {
                    // W_U[:, correct] − mean W_U[:, others], times ln_final.w (the cache's scale does not apply the gain).
                    var others = baseline.Where(t => t != correct[i]).Select(t => (long)t).ToArray();
                    var wU = torchModel.W_U.detach(); // [d_model, d_vocab]
                    var direction = (wU[.., correct[i]] - wU.index_select(1, tensor(others)).mean([1])) * torchModel.ln_final!.w!.detach(); // [d_model]
                    var (stack, labels) = cache.StackHeadResults(pos: positions[i]); // [components, batch, d_model]
                    var reference = cache.LogitAttrs(stack, direction, positions[i]); // [components, batch]
                    for (var l = 0; l < cfg.NLayers; l++)
                        for (var h = 0; h < cfg.NHeads; h++)
                        {
                            var expected = reference[l * cfg.NHeads + h, 0].item<float>();
                            Assert.Equal($"L{l}H{h}", labels[l * cfg.NHeads + h]);
                            var actual = ours.Heads[l][i * cfg.NHeads + h];
                            worst = Math.Max(worst, Math.Abs(actual - expected));
                            largest = Math.Max(largest, Math.Abs(expected));
                        }
                    var (components, names) = cache.DecomposeResid(pos: positions[i]);
                    var parts = cache.LogitAttrs(components, direction, positions[i]); // [components, batch]
                    Assert.Equal(parts[Array.IndexOf(names, "embed"), 0].item<float>(), ours.Embedding[i], 1e-3 * Math.Max(1, largest));
                    for (var l = 0; l < cfg.NLayers; l++)
                        Assert.Equal(parts[Array.IndexOf(names, $"{l}_mlp_out"), 0].item<float>(), ours.Mlp[i * cfg.NLayers + l], 1e-3 * Math.Max(1, largest));
                }
                Assert.True(largest > 1e-3, "the reference attributions are all near zero: the test would not discriminate");
                Assert.True(worst <= 1e-3 * largest, $"per-head attribution differs from the TransformerLens-style reference by {worst:E2} (largest {largest:E2})");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
