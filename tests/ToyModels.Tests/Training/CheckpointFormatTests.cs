using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Model;

namespace Probing.ToyModels.Tests.Training;

public sealed class CheckpointFormatTests
{
    [Fact]
    public void GivenAOneLayerLnModel_WhenSaved_ThenKeysAndShapesAreTransformerLensStateDict()
    {
        using var model = new HookedTransformer(TrainerFixture.Model);

        var document = SafeTensorsFile.Parse(SafeTensorsFile.ToBytes(ModelWeights.ToDocument(model)));

        var expected = new Dictionary<string, long[]>
        {
            ["embed.W_E"] = [6, 16],
            ["pos_embed.W_pos"] = [8, 16],
            ["blocks.0.ln1.w"] = [16],
            ["blocks.0.ln1.b"] = [16],
            ["blocks.0.attn.W_Q"] = [2, 16, 8],
            ["blocks.0.attn.W_K"] = [2, 16, 8],
            ["blocks.0.attn.W_V"] = [2, 16, 8],
            ["blocks.0.attn.W_O"] = [2, 8, 16],
            ["blocks.0.attn.b_Q"] = [2, 8],
            ["blocks.0.attn.b_K"] = [2, 8],
            ["blocks.0.attn.b_V"] = [2, 8],
            ["blocks.0.attn.b_O"] = [16],
            ["blocks.0.ln2.w"] = [16],
            ["blocks.0.ln2.b"] = [16],
            ["blocks.0.mlp.W_in"] = [16, 32],
            ["blocks.0.mlp.b_in"] = [32],
            ["blocks.0.mlp.W_out"] = [32, 16],
            ["blocks.0.mlp.b_out"] = [16],
            ["ln_final.w"] = [16],
            ["ln_final.b"] = [16],
            ["unembed.W_U"] = [16, 6],
            ["unembed.b_U"] = [6],
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), document.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected)
        {
            Assert.Equal("F32", document.Tensors[name].DType);
            Assert.Equal(shape, document.Tensors[name].Shape);
        }
    }

    [Fact]
    public void GivenWeightsOfAnotherShape_WhenLoaded_ThenTheErrorNamesTheTensorAndBothShapes()
    {
        using var small = new HookedTransformer(TrainerFixture.Model);
        using var wide = new HookedTransformer(TrainerFixture.Model with { DMlp = 40 });

        var ex = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(wide, ModelWeights.ToDocument(small), "m.safetensors"));

        Assert.Contains("blocks.0.mlp", ex.Message);
        Assert.Contains("[16, 32]", ex.Message);
    }

    [Fact]
    public void GivenAPythonStateDictWithTransformerLensBuffers_WhenLoaded_ThenTheBuffersAreSkipped()
    {
        using var source = new HookedTransformer(TrainerFixture.Model with { Seed = 9 });
        using var target = new HookedTransformer(TrainerFixture.Model);
        var document = ModelWeights.ToDocument(source);
        var tensors = document.Tensors.ToDictionary(p => p.Key, p => p.Value);
        tensors["blocks.0.attn.mask"] = new SafeTensorEntry("BOOL", [8, 8], new byte[64]);
        tensors["blocks.0.attn.IGNORE"] = SafeTensorEntry.FromFloats([-1e5f]);

        ModelWeights.Load(target, document with { Tensors = tensors });

        Assert.Equal(document.Tensors["embed.W_E"].Data, ModelWeights.ToDocument(target).Tensors["embed.W_E"].Data);
    }

    [Fact]
    public void GivenAMissingDirectory_WhenLoadingAModel_ThenAOneLineDirectoryNotFound()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => ToyCheckpoint.LoadModel("/no/such/checkpoint"));
        Assert.Contains("/no/such/checkpoint", ex.Message);
    }
}
