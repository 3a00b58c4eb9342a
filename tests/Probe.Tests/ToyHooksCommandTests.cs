using Probing.Cli;

using static Probing.Probe.Tests.CliRunner;

namespace Probing.Probe.Tests;

public sealed class ToyHooksCommandTests
{

    [Fact]
    public void GivenAnAttnOnlyConfig_WhenHooksArePrinted_ThenEveryHookAppearsInOrderWithItsShape()
    {
        var path = Path.Combine(Path.GetTempPath(), $"toy-hooks-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"n_layers": 1, "d_model": 8, "d_head": 4, "n_heads": 2, "d_vocab": 5, "n_ctx": 20, "attn_only": true, "normalization_type": null}""");
        try
        {
            var (code, output, error) = Run("toy", "hooks", "--config", path);
            Assert.True(code == 0, error);
            Assert.Equal(
            [
                "hook_embed [1, 20, 8]", "hook_pos_embed [1, 20, 8]", "blocks.0.hook_resid_pre [1, 20, 8]",
                "blocks.0.attn.hook_q [1, 20, 2, 4]", "blocks.0.attn.hook_k [1, 20, 2, 4]", "blocks.0.attn.hook_v [1, 20, 2, 4]",
                "blocks.0.attn.hook_attn_scores [1, 2, 20, 20]", "blocks.0.attn.hook_pattern [1, 2, 20, 20]",
                "blocks.0.attn.hook_z [1, 20, 2, 4]", "blocks.0.hook_attn_out [1, 20, 8]", "blocks.0.hook_resid_post [1, 20, 8]",
            ], output.TrimEnd().Split('\n'));

            var (cudaCode, _, cudaError) = Run("toy", "hooks", "--config", path, "--device", "cuda");
            if (!TorchSharp.torch.cuda.is_available())
            {
                Assert.Equal(ExitCodes.BadInput, cudaCode);
                Assert.Single(cudaError.TrimEnd().Split('\n'));
                Assert.Contains("CUDA", cudaError);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GivenAnInvalidConfig_WhenHooksArePrinted_ThenOneLineAndExitCode2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"toy-hooks-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"act_fn": "tanh"}""");
        try
        {
            var (code, _, error) = Run("toy", "hooks", "--config", path);
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.Contains("act_fn", error);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
