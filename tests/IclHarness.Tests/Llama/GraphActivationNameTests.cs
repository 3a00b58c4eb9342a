using System.Text;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>Golden test of the llama.cpp graph names the capture matches, and of their order within a ubatch graph.</summary>
public sealed class GraphActivationNameTests
{
    private static byte[] Name(string text)
    {
        var bytes = new byte[64]; // ggml names are NUL-padded char[64]
        Encoding.UTF8.GetBytes(text).CopyTo(bytes, 0);
        return bytes;
    }

    [Theory]
    [InlineData("kqv_out-0", GraphActivation.KqvOut, 0)]
    [InlineData("kqv_out-31", GraphActivation.KqvOut, 31)]
    [InlineData("ffn_inp-7", GraphActivation.FfnInp, 7)]
    [InlineData("embd", GraphActivation.InpEmbd, 0)]
    [InlineData("inp_embd", GraphActivation.InpEmbd, 0)]
    [InlineData("inpL", GraphActivation.InpEmbd, 0)]
    [InlineData("inp_scaled", GraphActivation.InpEmbd, 0)]
    [InlineData("sa_out-3", GraphActivation.FfnInp, 3)]
    public void GivenALlamaCppNodeName_WhenParsed_ThenItNamesTheActivationAndLayer(string name, GraphActivation activation, int layer)
    {
        Assert.True(GraphActivationNames.TryParse(Name(name), out var parsed, out var parsedLayer));
        Assert.Equal((activation, layer), (parsed, parsedLayer));
    }

    [Theory]
    [InlineData("kqv_out-0 (view)")]
    [InlineData("kqv_out-")]
    [InlineData("ffn_inp")]
    [InlineData("embd_scaled")]
    [InlineData("attn_out-0")]
    [InlineData("l_out-0")]
    [InlineData("inpL-0")]
    [InlineData("inp_embd_scaled")]
    [InlineData("sa_out")]
    public void GivenAnotherNodeName_WhenParsed_ThenItIsNotAnActivation(string name) =>
        Assert.False(GraphActivationNames.TryParse(Name(name), out _, out _));

    [Fact]
    public void GivenOneUbatchGraph_WhenOrdered_ThenEmbeddingThenPerLayerKqvOutFfnInpLOutStrictlyIncrease()
    {
        var order = new List<int> { GraphActivationNames.Order(GraphActivation.InpEmbd, 0) };
        for (var layer = 0; layer < 4; layer++)
            order.AddRange([GraphActivationNames.Order(GraphActivation.KqvOut, layer), GraphActivationNames.Order(GraphActivation.FfnInp, layer), GraphActivationNames.LayerOutOrder(layer)]);
        Assert.Equal(order.Order(), order);
        Assert.Equal(order.Count, order.Distinct().Count());
        // gpt2's inpL and gemma's inp_scaled come after the token embedding and before block 0, in the same ubatch.
        foreach (var name in new[] { "inpL", "inp_scaled" })
        {
            Assert.True(GraphActivationNames.TryParse(Name(name), out _, out _, out var after));
            Assert.InRange(after, order[0] + 1, order[1] - 1);
        }
        Assert.Equal(["inp_embd", "kqv_out-2", "ffn_inp-2"], new[] { GraphActivationNames.Name(GraphActivation.InpEmbd, 0), GraphActivationNames.Name(GraphActivation.KqvOut, 2), GraphActivationNames.Name(GraphActivation.FfnInp, 2) });
    }
}
