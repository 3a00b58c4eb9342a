namespace Probing.Gguf;

/// <summary>Token types of <c>tokenizer.ggml.token_type</c> (<c>llama_token_type</c> in llama.h).</summary>
public enum SpmTokenType
{
    /// <summary>Undefined.</summary>
    Undefined = 0,
    /// <summary>An ordinary piece of text.</summary>
    Normal = 1,
    /// <summary>The unknown token <c>&lt;unk&gt;</c>.</summary>
    Unknown = 2,
    /// <summary>A control token such as <c>&lt;s&gt;</c> or <c>&lt;/s&gt;</c>.</summary>
    Control = 3,
    /// <summary>A user-defined token.</summary>
    UserDefined = 4,
    /// <summary>An unused slot.</summary>
    Unused = 5,
    /// <summary>A byte-fallback token <c>&lt;0xXX&gt;</c>.</summary>
    Byte = 6,
}
