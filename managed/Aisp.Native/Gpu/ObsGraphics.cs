using System.Runtime.InteropServices;

namespace Aisp.Native.Gpu;

/// <summary>
/// The small binding to libobs's graphics API (gs_*, and obs_source_video_render) the GPU compositor draws with: the role
/// CppSharp would have played, by hand. The functions are looked up in the process, never loaded:
/// inside OBS libobs is already there, and elsewhere (the CLI, the ABI test) binding fails and the
/// caller reports that no GPU compositor is available. Every call must be made with OBS's
/// graphics context current, i.e. from video_render.
/// </summary>
#pragma warning disable CA1707, SA1310 // names follow libobs's own
internal static unsafe class ObsGraphics
{
    // enum gs_color_format, gs_blend_type, gs_draw_mode and flags from graphics/graphics.h (libobs 29).
    public const int GS_RGBA = 3, GS_BGRA = 5, GS_RGBA32F = 10;
    public const int GS_BLEND_ZERO = 0, GS_BLEND_ONE = 1, GS_BLEND_SRCALPHA = 4, GS_BLEND_INVSRCALPHA = 5;
    public const int GS_TRIS = 3;
    public const uint GS_CLEAR_COLOR = 1, GS_DYNAMIC = 2;

    private static readonly Lock Gate = new();
    private static int s_state; // 0 not tried, 1 bound, -1 failed
    private static string s_error = "";

#pragma warning disable SA1401, CA2211 // function pointers filled once by Bind
    public static delegate* unmanaged<byte*, byte*, byte**, nint> gs_effect_create;
    public static delegate* unmanaged<nint, void> gs_effect_destroy;
    public static delegate* unmanaged<nint, byte*, nint> gs_effect_get_param_by_name;
    public static delegate* unmanaged<nint, nint, void> gs_effect_set_texture;
    public static delegate* unmanaged<nint, float*, void> gs_effect_set_vec4;
    public static delegate* unmanaged<nint, byte*, byte> gs_effect_loop;
    public static delegate* unmanaged<nint, uint, uint, uint, void> gs_draw_sprite;
    public static delegate* unmanaged<nint, uint, uint, uint, uint, uint, void> gs_draw_sprite_subregion;
    public static delegate* unmanaged<int, int, nint> gs_texrender_create;
    public static delegate* unmanaged<nint, void> gs_texrender_destroy;
    public static delegate* unmanaged<nint, uint, uint, byte> gs_texrender_begin;
    public static delegate* unmanaged<nint, void> gs_texrender_end;
    public static delegate* unmanaged<nint, void> gs_texrender_reset;
    public static delegate* unmanaged<nint, nint> gs_texrender_get_texture;
    public static delegate* unmanaged<uint, float*, float, byte, void> gs_clear;
    public static delegate* unmanaged<float, float, float, float, float, float, void> gs_ortho;
    public static delegate* unmanaged<void> gs_blend_state_push;
    public static delegate* unmanaged<void> gs_blend_state_pop;
    public static delegate* unmanaged<int, int, int, int, void> gs_blend_function_separate;
    public static delegate* unmanaged<byte, void> gs_enable_blending;
    public static delegate* unmanaged<byte, byte, byte, byte, void> gs_enable_color;
    public static delegate* unmanaged<void> gs_matrix_push;
    public static delegate* unmanaged<void> gs_matrix_pop;
    public static delegate* unmanaged<float, float, float, void> gs_matrix_translate3f;
    public static delegate* unmanaged<uint, uint, int, uint, byte**, uint, nint> gs_texture_create;
    public static delegate* unmanaged<nint, void> gs_texture_destroy;
    public static delegate* unmanaged<nint, byte*, uint, byte, void> gs_texture_set_image;
    public static delegate* unmanaged<uint, uint, int, nint> gs_stagesurface_create;
    public static delegate* unmanaged<nint, void> gs_stagesurface_destroy;
    public static delegate* unmanaged<nint, nint, void> gs_stage_texture;
    public static delegate* unmanaged<nint, byte**, uint*, byte> gs_stagesurface_map;
    public static delegate* unmanaged<nint, void> gs_stagesurface_unmap;
    public static delegate* unmanaged<byte, void> gs_render_start;
    public static delegate* unmanaged<int, void> gs_render_stop;
    public static delegate* unmanaged<float, float, void> gs_vertex2f;
    public static delegate* unmanaged<float, float, int, void> gs_texcoord;
    public static delegate* unmanaged<uint, void> gs_color;
    public static delegate* unmanaged<nint, void> obs_source_video_render;
    public static delegate* unmanaged<int, nint> obs_get_base_effect;
    public static delegate* unmanaged<nint> gs_render_save;
    public static delegate* unmanaged<nint, void> gs_load_vertexbuffer;
    public static delegate* unmanaged<nint, void> gs_load_indexbuffer;
    public static delegate* unmanaged<int, uint, uint, void> gs_draw;
    public static delegate* unmanaged<nint, void> gs_vertexbuffer_destroy;
    public static delegate* unmanaged<float, float, float, void> gs_matrix_scale3f;
#pragma warning restore SA1401, CA2211

    /// <summary>Binds every function once per process; false (with the reason) when libobs is not in the process.</summary>
    public static bool TryBind(out string error)
    {
        lock (Gate)
        {
            if (s_state == 0)
            {
                s_state = Bind(out s_error) ? 1 : -1;
            }

            error = s_error;
            return s_state == 1;
        }
    }

    private static bool Bind(out string error)
    {
        if (!FindLibobs(out nint lib))
        {
            error = "GPU compositing needs OBS's graphics (libobs is not loaded in this process)";
            return false;
        }

        string missing = "";
        nint F(string name)
        {
            if (NativeLibrary.TryGetExport(lib, name, out nint p))
            {
                return p;
            }

            missing = missing.Length == 0 ? name : missing + ", " + name;
            return 0;
        }

        gs_effect_create = (delegate* unmanaged<byte*, byte*, byte**, nint>)F("gs_effect_create");
        gs_effect_destroy = (delegate* unmanaged<nint, void>)F("gs_effect_destroy");
        gs_effect_get_param_by_name = (delegate* unmanaged<nint, byte*, nint>)F("gs_effect_get_param_by_name");
        gs_effect_set_texture = (delegate* unmanaged<nint, nint, void>)F("gs_effect_set_texture");
        gs_effect_set_vec4 = (delegate* unmanaged<nint, float*, void>)F("gs_effect_set_vec4");
        gs_effect_loop = (delegate* unmanaged<nint, byte*, byte>)F("gs_effect_loop");
        gs_draw_sprite = (delegate* unmanaged<nint, uint, uint, uint, void>)F("gs_draw_sprite");
        gs_draw_sprite_subregion = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, void>)F("gs_draw_sprite_subregion");
        gs_texrender_create = (delegate* unmanaged<int, int, nint>)F("gs_texrender_create");
        gs_texrender_destroy = (delegate* unmanaged<nint, void>)F("gs_texrender_destroy");
        gs_texrender_begin = (delegate* unmanaged<nint, uint, uint, byte>)F("gs_texrender_begin");
        gs_texrender_end = (delegate* unmanaged<nint, void>)F("gs_texrender_end");
        gs_texrender_reset = (delegate* unmanaged<nint, void>)F("gs_texrender_reset");
        gs_texrender_get_texture = (delegate* unmanaged<nint, nint>)F("gs_texrender_get_texture");
        gs_clear = (delegate* unmanaged<uint, float*, float, byte, void>)F("gs_clear");
        gs_ortho = (delegate* unmanaged<float, float, float, float, float, float, void>)F("gs_ortho");
        gs_blend_state_push = (delegate* unmanaged<void>)F("gs_blend_state_push");
        gs_blend_state_pop = (delegate* unmanaged<void>)F("gs_blend_state_pop");
        gs_blend_function_separate = (delegate* unmanaged<int, int, int, int, void>)F("gs_blend_function_separate");
        gs_enable_blending = (delegate* unmanaged<byte, void>)F("gs_enable_blending");
        gs_enable_color = (delegate* unmanaged<byte, byte, byte, byte, void>)F("gs_enable_color");
        gs_matrix_push = (delegate* unmanaged<void>)F("gs_matrix_push");
        gs_matrix_pop = (delegate* unmanaged<void>)F("gs_matrix_pop");
        gs_matrix_translate3f = (delegate* unmanaged<float, float, float, void>)F("gs_matrix_translate3f");
        gs_texture_create = (delegate* unmanaged<uint, uint, int, uint, byte**, uint, nint>)F("gs_texture_create");
        gs_texture_destroy = (delegate* unmanaged<nint, void>)F("gs_texture_destroy");
        gs_texture_set_image = (delegate* unmanaged<nint, byte*, uint, byte, void>)F("gs_texture_set_image");
        gs_stagesurface_create = (delegate* unmanaged<uint, uint, int, nint>)F("gs_stagesurface_create");
        gs_stagesurface_destroy = (delegate* unmanaged<nint, void>)F("gs_stagesurface_destroy");
        gs_stage_texture = (delegate* unmanaged<nint, nint, void>)F("gs_stage_texture");
        gs_stagesurface_map = (delegate* unmanaged<nint, byte**, uint*, byte>)F("gs_stagesurface_map");
        gs_stagesurface_unmap = (delegate* unmanaged<nint, void>)F("gs_stagesurface_unmap");
        gs_render_start = (delegate* unmanaged<byte, void>)F("gs_render_start");
        gs_render_stop = (delegate* unmanaged<int, void>)F("gs_render_stop");
        gs_vertex2f = (delegate* unmanaged<float, float, void>)F("gs_vertex2f");
        gs_texcoord = (delegate* unmanaged<float, float, int, void>)F("gs_texcoord");
        gs_color = (delegate* unmanaged<uint, void>)F("gs_color");
        obs_source_video_render = (delegate* unmanaged<nint, void>)F("obs_source_video_render");
        obs_get_base_effect = (delegate* unmanaged<int, nint>)F("obs_get_base_effect");
        gs_render_save = (delegate* unmanaged<nint>)F("gs_render_save");
        gs_load_vertexbuffer = (delegate* unmanaged<nint, void>)F("gs_load_vertexbuffer");
        gs_load_indexbuffer = (delegate* unmanaged<nint, void>)F("gs_load_indexbuffer");
        gs_draw = (delegate* unmanaged<int, uint, uint, void>)F("gs_draw");
        gs_vertexbuffer_destroy = (delegate* unmanaged<nint, void>)F("gs_vertexbuffer_destroy");
        gs_matrix_scale3f = (delegate* unmanaged<float, float, float, void>)F("gs_matrix_scale3f");
        error = missing.Length == 0 ? "" : "libobs lacks " + missing;
        return missing.Length == 0;
    }

    /// <summary>libobs among the libraries already loaded: the main program's global scope on Linux (OBS links it), else its module by name.</summary>
    private static bool FindLibobs(out nint lib)
    {
        lib = NativeLibrary.GetMainProgramHandle();
        if (NativeLibrary.TryGetExport(lib, "gs_effect_create", out _))
        {
            return true;
        }

        // Windows and macOS keep each module's exports apart; the name finds the copy OBS loaded.
        foreach (string name in (ReadOnlySpan<string>)["obs.dll", "libobs.framework/libobs"])
        {
            if ((OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()) && NativeLibrary.TryLoad(name, out lib))
            {
                return true;
            }
        }

        lib = 0;
        return false;
    }
}
