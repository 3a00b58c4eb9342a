using System.Buffers.Binary;
using Probing.Gguf;

namespace Probing.IclHarness.Llama.Preflight;

/// <summary>
/// Checks the Unigram (T5) normalizer table <c>tokenizer.ggml.precompiled_charsmap</c>: a uint32 byte length, an
/// XOR-compressed double array (XCDA) of uint32 nodes, then NUL-terminated replacement strings. llama.cpp
/// reads it lazily while tokenizing and throws "Index out of array bounds" through the C API, which ends the
/// process, so every node the tokenizer can reach is visited here first.
/// </summary>
internal static class PrecompiledCharsmap
{
    /// <summary>Throws when some input would make llama.cpp's normalizer read outside the table.</summary>
    public static void Check(GgufFile file, string key)
    {
        if (file.Find(key) is not { } value) return;
        byte[] bytes = value.Value switch
        {
            byte[] u => u,
            sbyte[] s => (byte[])(Array)s,
            _ => throw Bad(file, key, $"is {VocabularyPreflight.Describe(value)}, not an array of bytes"),
        };
        if (bytes.Length < 4) throw Bad(file, key, $"has {bytes.Length} bytes, fewer than its 4-byte length header");
        var blobSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if ((long)blobSize + 4 >= bytes.Length) throw Bad(file, key, $"claims a {blobSize}-byte node table in {bytes.Length} bytes");
        var nodes = new uint[blobSize / 4];
        for (var i = 0; i < nodes.Length; i++) nodes[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4 + 4 * i));
        var replacements = bytes.AsSpan(4 + (int)blobSize);
        if (nodes.Length == 0) return;

        // A state is a node index after BASE was applied; the walk from it reads node (state ^ c) for every byte c.
        var visited = new HashSet<uint>();
        var pending = new Stack<uint>();
        pending.Push(Base(nodes[0]));
        while (pending.Count > 0)
        {
            var state = pending.Pop();
            if (!visited.Add(state)) continue;
            for (uint c = 1; c < 256; c++)
            {
                var index = state ^ c;
                if (index >= nodes.Length) throw Bad(file, key, $"has a node that points to entry {index} of a {nodes.Length}-entry table");
                var node = nodes[index];
                if ((node & ((1u << 31) | 0xFF)) != c) continue;
                var next = index ^ Base(node);
                if ((node >> 8 & 1) != 0)
                {
                    if (next >= nodes.Length) throw Bad(file, key, $"has a leaf that points to entry {next} of a {nodes.Length}-entry table");
                    var offset = nodes[next] & ((1u << 31) - 1);
                    if (offset >= replacements.Length || replacements[(int)offset..].IndexOf((byte)0) < 0)
                        throw Bad(file, key, $"has a replacement at byte {offset} that is outside its {replacements.Length}-byte string table or not terminated");
                }

                pending.Push(next);
            }
        }
    }

    private static uint Base(uint node) => (node >> 10) << (int)((node & (1u << 9)) >> 6);

    private static InvalidDataException Bad(GgufFile file, string key, string what) =>
        new($"{file.Path}: '{key}' {what}, so llama.cpp would abort while tokenizing; re-convert the model with llama.cpp's convert_hf_to_gguf.py.");
}
