using System.Text;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The compiled <see cref="CompositorEffect"/> and its parameter handles, with typed setters and a
/// draw loop. libobs clears every parameter's value when a technique ends, so each draw sets all
/// the parameters its technique reads.
/// </summary>
internal sealed unsafe class GpuEffect : IDisposable
{
    private readonly nint _effect;

    private GpuEffect(nint effect)
    {
        _effect = effect;
        Image = Param(effect, "image"u8);
        Region = Param(effect, "region"u8);
        FrameSize = Param(effect, "frame_size"u8);
        Grid = Param(effect, "grid"u8);
        Step = Param(effect, "step"u8);
        Extent = Param(effect, "extent"u8);
        UvTransform = Param(effect, "uv_xform"u8);
        MaskImage = Param(effect, "mask_image"u8);
    }

    public nint Image { get; }
    public nint Region { get; }
    public nint FrameSize { get; }
    public nint Grid { get; }
    public nint Step { get; }
    public nint Extent { get; }
    public nint UvTransform { get; }
    public nint MaskImage { get; }

    /// <summary>Compiles the effect; throws <see cref="GraphicsException"/> with libobs's compiler message.</summary>
    public static GpuEffect Compile()
    {
        byte[] text = Encoding.UTF8.GetBytes(CompositorEffect.Source + "\0");
        byte* error = null;
        nint effect;
        fixed (byte* p = text)
        fixed (byte* name = "aisp-compositor.effect\0"u8)
        {
            effect = gs_effect_create(p, name, &error);
        }

        if (effect == 0)
        {
            string why = error == null ? "unknown error" : new string((sbyte*)error);
            throw new GraphicsException("the compositor's shaders did not compile: " + why);
        }

        return new GpuEffect(effect);
    }

    public static void Set(nint param, float x, float y = 0, float z = 0, float w = 0)
    {
        float* v = stackalloc float[4] { x, y, z, w };
        gs_effect_set_vec4(param, v);
    }

    public static void SetTexture(nint param, nint texture) => gs_effect_set_texture(param, texture);

    /// <summary>Draws a sprite-sized quad (0,0)-(width,height), uv 0..1, with a technique.</summary>
    public void DrawQuad(ReadOnlySpan<byte> technique, uint width, uint height)
    {
        fixed (byte* t = technique)
        {
            while (gs_effect_loop(_effect, t) != 0)
            {
                gs_draw_sprite(0, 0, width, height);
            }
        }
    }

    /// <summary>Draws the (x, y, width, height) part of a texture as a quad at the origin, its uv covering just that part.</summary>
    public void DrawPart(ReadOnlySpan<byte> technique, nint texture, uint x, uint y, uint width, uint height)
    {
        fixed (byte* t = technique)
        {
            while (gs_effect_loop(_effect, t) != 0)
            {
                gs_draw_sprite_subregion(texture, 0, x, y, width, height);
            }
        }
    }

    /// <summary>Runs a technique around immediate-mode vertices the caller emits (gs_render_start .. gs_render_stop).</summary>
    public void DrawImmediate<TState>(ReadOnlySpan<byte> technique, ref TState state, delegate*<ref TState, void> emit)
        where TState : allows ref struct
    {
        fixed (byte* t = technique)
        {
            while (gs_effect_loop(_effect, t) != 0)
            {
                emit(ref state);
            }
        }
    }

    /// <summary>gs_effect_loop over a NUL-terminated technique name.</summary>
    public bool Loop(byte* technique) => gs_effect_loop(_effect, technique) != 0;

    public void Dispose() => gs_effect_destroy(_effect);

    private static nint Param(nint effect, ReadOnlySpan<byte> name)
    {
        Span<byte> z = stackalloc byte[name.Length + 1];
        name.CopyTo(z);
        z[name.Length] = 0;
        fixed (byte* p = z)
        {
            return gs_effect_get_param_by_name(effect, p);
        }
    }
}

/// <summary>A libobs graphics call failed, or libobs's graphics are not available here.</summary>
internal sealed class GraphicsException(string message) : Exception(message);
