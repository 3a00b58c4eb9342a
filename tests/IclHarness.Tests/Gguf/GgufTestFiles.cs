using System.Buffers.Binary;
using System.Text;
using Probing.Gguf;

namespace Probing.IclHarness.Tests.Gguf;

/// <summary>Small generated GGUF files and byte-patching helpers for the reader tests.</summary>
internal static class GgufTestFiles
{
    /// <summary>A 1-layer llama model of a few tens of kilobytes with a two-character vocabulary.</summary>
    public static readonly TinyLlamaConfig SmallModel = new(
        NLayer: 1, NEmbd: 32, NHead: 2, NHeadKv: 1, NFf: 64, NCtx: 32, Vocabulary: "ab", Seed: 7);

    private static readonly Lazy<byte[]> SmallModelBytes = new(() => TinyLlamaBuilder.Build(SmallModel).ToArray());

    public static byte[] SmallModelCopy() => (byte[])SmallModelBytes.Value.Clone();

    /// <summary>Offset of the first occurrence of <paramref name="text"/> as UTF-8 bytes.</summary>
    public static int IndexOf(byte[] bytes, string text)
    {
        var index = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
        Assert.True(index >= 0, $"'{text}' not found in the file");
        return index;
    }

    /// <summary>Offset of a metadata key's type tag (just after the key string).</summary>
    public static int KeyTypeOffset(byte[] bytes, string key) => IndexOf(bytes, key) + Encoding.UTF8.GetByteCount(key);

    /// <summary>Offset of a tensor directory entry's n_dims field.</summary>
    public static int TensorDimsOffset(byte[] bytes, string name)
    {
        // The directory follows the metadata, so search from the last occurrence of the name.
        var pattern = new byte[8 + name.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(pattern, (ulong)name.Length);
        Encoding.ASCII.GetBytes(name, pattern.AsSpan(8));
        var index = bytes.AsSpan().LastIndexOf(pattern);
        Assert.True(index >= 0, $"tensor '{name}' not found");
        return index + pattern.Length;
    }

    /// <summary>Offset of a tensor's type field.</summary>
    public static int TensorTypeOffset(byte[] bytes, string name)
    {
        var dims = TensorDimsOffset(bytes, name);
        return dims + 4 + 8 * (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(dims));
    }

    public static void PutUInt32(byte[] bytes, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);

    public static void PutInt32(byte[] bytes, int offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);

    public static void PutUInt64(byte[] bytes, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);

    public static void PutInt64(byte[] bytes, int offset, long value) => BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), value);

    /// <summary>Parses and asserts the exception type; returns its message.</summary>
    public static string ParseFails<TException>(byte[] bytes) where TException : Exception
    {
        var error = Assert.Throws<TException>(() => GgufReader.Parse(bytes, "model.gguf").Dispose());
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }
}
