using System.Text;

namespace Aisp.Tests;

/// <summary>
/// Writes a tiny llama-architecture GGUF (v3) with random weights and a small SentencePiece-style
/// vocabulary (control tokens, the 256 byte tokens, printable ASCII): enough for llama.cpp to load
/// and generate, so the GGUF path is tested without any real model weights. Its output means
/// nothing; with a grammar its shape is fixed.
/// </summary>
internal static class TinyGguf
{
    private const int Embd = 32, Heads = 4, Ff = 64, Layers = 1, Context = 4096, Alignment = 32;

    public static void Write(string path, int seed = 7)
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<int> { 2, 3, 3 };
        for (int b = 0; b < 256; b++)
        {
            tokens.Add($"<0x{b:X2}>");
            types.Add(6);
        }

        tokens.Add("\u2581"); // SentencePiece's space
        types.Add(1);
        for (char c = '!'; c <= '~'; c++)
        {
            tokens.Add(c.ToString());
            types.Add(1);
        }

        int vocab = tokens.Count;
        var rng = new Random(seed);
        var tensors = new List<(string Name, long[] Dims, float[] Data)>
        {
            ("token_embd.weight", [Embd, vocab], Random(rng, Embd * vocab)),
            ("output_norm.weight", [Embd], Ones(Embd)),
            ("output.weight", [Embd, vocab], Random(rng, Embd * vocab)),
        };
        for (int l = 0; l < Layers; l++)
        {
            tensors.Add(($"blk.{l}.attn_norm.weight", [Embd], Ones(Embd)));
            tensors.Add(($"blk.{l}.attn_q.weight", [Embd, Embd], Random(rng, Embd * Embd)));
            tensors.Add(($"blk.{l}.attn_k.weight", [Embd, Embd], Random(rng, Embd * Embd)));
            tensors.Add(($"blk.{l}.attn_v.weight", [Embd, Embd], Random(rng, Embd * Embd)));
            tensors.Add(($"blk.{l}.attn_output.weight", [Embd, Embd], Random(rng, Embd * Embd)));
            tensors.Add(($"blk.{l}.ffn_norm.weight", [Embd], Ones(Embd)));
            tensors.Add(($"blk.{l}.ffn_gate.weight", [Embd, Ff], Random(rng, Embd * Ff)));
            tensors.Add(($"blk.{l}.ffn_up.weight", [Embd, Ff], Random(rng, Embd * Ff)));
            tensors.Add(($"blk.{l}.ffn_down.weight", [Ff, Embd], Random(rng, Ff * Embd)));
        }

        using var w = new BinaryWriter(File.Create(path), Encoding.UTF8);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        var kv = new List<Action>
        {
            () => { Key(w, "general.architecture"); Str(w, "llama"); },
            () => { Key(w, "general.name"); Str(w, "aisp-test-random"); },
            () => { Key(w, "general.alignment"); U32(w, Alignment); },
            () => { Key(w, "llama.context_length"); U32(w, Context); },
            () => { Key(w, "llama.embedding_length"); U32(w, Embd); },
            () => { Key(w, "llama.block_count"); U32(w, Layers); },
            () => { Key(w, "llama.feed_forward_length"); U32(w, Ff); },
            () => { Key(w, "llama.attention.head_count"); U32(w, Heads); },
            () => { Key(w, "llama.attention.head_count_kv"); U32(w, Heads); },
            () => { Key(w, "llama.rope.dimension_count"); U32(w, Embd / Heads); },
            () => { Key(w, "llama.attention.layer_norm_rms_epsilon"); w.Write(6u); w.Write(1e-5f); },
            () => { Key(w, "tokenizer.ggml.model"); Str(w, "llama"); },
            () =>
            {
                Key(w, "tokenizer.ggml.tokens");
                w.Write(9u);
                w.Write(8u);
                w.Write((ulong)vocab);
                tokens.ForEach(t => String(w, t));
            },
            () =>
            {
                Key(w, "tokenizer.ggml.scores");
                w.Write(9u);
                w.Write(6u);
                w.Write((ulong)vocab);
                for (int i = 0; i < vocab; i++)
                {
                    w.Write(types[i] == 1 ? -i / 100f : 0f);
                }
            },
            () =>
            {
                Key(w, "tokenizer.ggml.token_type");
                w.Write(9u);
                w.Write(5u);
                w.Write((ulong)vocab);
                types.ForEach(w.Write);
            },
            () => { Key(w, "tokenizer.ggml.unknown_token_id"); U32(w, 0); },
            () => { Key(w, "tokenizer.ggml.bos_token_id"); U32(w, 1); },
            () => { Key(w, "tokenizer.ggml.eos_token_id"); U32(w, 2); },
        };
        w.Write((ulong)kv.Count);
        kv.ForEach(a => a());

        long offset = 0;
        foreach ((string name, long[] dims, float[] data) in tensors)
        {
            String(w, name);
            w.Write((uint)dims.Length);
            foreach (long d in dims)
            {
                w.Write((ulong)d);
            }

            w.Write(0u); // GGML_TYPE_F32
            w.Write((ulong)offset);
            offset = Align(offset + (data.Length * sizeof(float)));
        }

        Pad(w);
        long start = w.BaseStream.Position;
        foreach ((_, _, float[] data) in tensors)
        {
            foreach (float f in data)
            {
                w.Write(f);
            }

            while ((w.BaseStream.Position - start) % Alignment != 0)
            {
                w.Write((byte)0);
            }
        }
    }

    private static float[] Random(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() - 0.5) * 0.2)).ToArray();

    private static float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();

    private static long Align(long n) => (n + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter w)
    {
        while (w.BaseStream.Position % Alignment != 0)
        {
            w.Write((byte)0);
        }
    }

    private static void Key(BinaryWriter w, string key) => String(w, key);

    private static void String(BinaryWriter w, string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)b.Length);
        w.Write(b);
    }

    private static void Str(BinaryWriter w, string s)
    {
        w.Write(8u);
        String(w, s);
    }

    private static void U32(BinaryWriter w, uint v)
    {
        w.Write(4u);
        w.Write(v);
    }
}
