using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Probing.Gguf;
using Probing.IclHarness.Llama.Preflight;

namespace Probing.IclHarness.Tests.Gguf;

public sealed class GgufFuzzProperties
{
    // The header and directory are where damage changes control flow; flips there matter most.
    private static readonly int HeaderEnd = DataOffsetOfSmallModel();

    private static int DataOffsetOfSmallModel()
    {
        using var file = GgufReader.Parse(GgufTestFiles.SmallModelCopy());
        return (int)file.DataOffset;
    }

    [Property(MaxTest = 200)]
    public Property GivenRandomByteFlipsAndTruncation_WhenParsed_ThenParsesOrThrowsOnlyTheDocumentedExceptions(
        NonNegativeInt[] positions, byte[] masks, NonNegativeInt cut)
    {
        var bytes = GgufTestFiles.SmallModelCopy();
        for (var i = 0; i < Math.Min(positions.Length, masks.Length); i++)
            bytes[positions[i].Get % HeaderEnd] ^= masks[i] == 0 ? (byte)1 : masks[i];
        var length = cut.Get % 4 == 0 ? bytes.Length : cut.Get % bytes.Length;

        var outcome = Outcome(bytes.AsSpan(0, length));

        return (outcome is "ok" or nameof(InvalidDataException) or nameof(NotSupportedException)).Label(outcome);
    }

    [Fact]
    public void GivenAKeyLengthThatSwallowsTheNextEntries_WhenParsed_ThenTheMessageIsOneShortLine()
    {
        var bytes = GgufTestFiles.SmallModelCopy();
        bytes[25] ^= 30; // the first key's length (uint64 at byte 24) grows by 7,680: the key takes in binary data and newlines
        var error = Assert.Throws<InvalidDataException>(() => GgufReader.Parse(bytes).Dispose());
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Message.Length < 400, error.Message);
    }

    [Property(MaxTest = 200)]
    public bool GivenArbitraryBytesAfterAValidHeaderPrefix_WhenFuzzed_ThenNoUnexpectedException(byte[] tail, NonNegativeInt keep)
    {
        var bytes = GgufTestFiles.SmallModelCopy();
        var prefix = keep.Get % HeaderEnd;
        var input = bytes.AsSpan(0, prefix).ToArray().Concat(tail).ToArray();
        GgufFuzz.Run(input); // throws only on a reader bug
        return true;
    }

    private static string Outcome(ReadOnlySpan<byte> input)
    {
        try
        {
            using var file = GgufReader.Parse(input);
            return "ok";
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            Assert.DoesNotContain('\n', ex.Message);
            return ex.GetType().Name;
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
