using System.Runtime.InteropServices;

namespace Probing.Gguf;

/// <summary>A native copy of an in-memory buffer (fuzzing, tests, small files).</summary>
internal sealed unsafe class NativeGgufSource : GgufDataSource
{
    public NativeGgufSource(ReadOnlySpan<byte> bytes)
    {
        Length = bytes.Length;
        // Allocate at least one byte so an empty input still has a valid (never read) pointer.
        Pointer = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, bytes.Length));
        bytes.CopyTo(new Span<byte>(Pointer, bytes.Length));
    }

    protected override void Release() => NativeMemory.Free(Pointer);
}
