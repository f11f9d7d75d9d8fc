namespace Aisp.Native.Gpu;

/// <summary>
/// The compositor's shaders, in libobs's effect language (HLSL-like; libobs translates it to GLSL
/// on OpenGL). Each technique mirrors one CPU step, so the two compositors agree pixel for pixel
/// within rounding: see the CPU code named beside each one.
/// </summary>
internal static class CompositorEffect
{
    public const string Source = """
uniform float4x4 ViewProj;
uniform texture2d image;
uniform texture2d mask;
uniform float4 region;      // x, y, width, height in frame pixels
uniform float4 frame_size;  // width, height, 1/width, 1/height of 'image'
uniform float4 grid;        // pixelate: block size, blocks across, blocks down
uniform float4 step;        // box blur: one texel along the blur (u, v), radius, unused
uniform float4 extent;      // box blur: last valid texel centre (u, v) of the region in its texture
uniform float4 src_mean;    // colour match: source L*a*b* mean
uniform float4 dst_mean;    // colour match: target L*a*b* mean
uniform float4 lab_scale;   // colour match: deviation ratio per channel; w = 1 to match, 0 not
uniform float4 uv_xform = {1.0, 1.0, 0.0, 0.0}; // texture coordinates scaled (xy) and offset (zw): the unit quad

sampler_state pointClamp {
	Filter = Point;
	AddressU = Clamp;
	AddressV = Clamp;
};

sampler_state linearClamp {
	Filter = Linear;
	AddressU = Clamp;
	AddressV = Clamp;
};

struct VertUV {
	float4 pos : POSITION;
	float2 uv : TEXCOORD0;
};

struct VertColor {
	float4 pos : POSITION;
	float4 color : COLOR;
};

VertUV VSUV(VertUV v_in)
{
	VertUV v_out;
	v_out.pos = mul(float4(v_in.pos.xyz, 1.0), ViewProj);
	v_out.uv = v_in.uv * uv_xform.xy + uv_xform.zw;
	return v_out;
}

VertColor VSColor(VertColor v_in)
{
	VertColor v_out;
	v_out.pos = mul(float4(v_in.pos.xyz, 1.0), ViewProj);
	v_out.color = v_in.color;
	return v_out;
}

float4 PSCopy(VertUV v_in) : TARGET
{
	return image.Sample(linearClamp, v_in.uv);
}

/* Pixelate, first pass (CPU: Engines/Pixelate.cs): one output texel per block, the mean of the
   block's pixels in the frame; blocks start at the region's corner and are cut at its far edges. */
float4 PSBlockMean(VertUV v_in) : TARGET
{
	float2 cell = floor(v_in.uv * grid.yz);
	float2 first = region.xy + cell * grid.x;
	float2 last = min(first + grid.x, region.xy + region.zw);
	float4 sum = float4(0.0, 0.0, 0.0, 0.0);
	float n = 0.0;
	for (float y = first.y; y < last.y; y += 1.0) {
		for (float x = first.x; x < last.x; x += 1.0) {
			sum += image.Sample(pointClamp, float2(x + 0.5, y + 0.5) * frame_size.zw);
			n += 1.0;
		}
	}
	return sum / max(n, 1.0);
}

/* Pixelate, second pass: each region pixel shows its block's mean. */
float4 PSBlockShow(VertUV v_in) : TARGET
{
	float2 cell = floor(v_in.uv * region.zw / grid.x);
	return image.Sample(pointClamp, (cell + 0.5) / grid.yz);
}

/* Box blur along one axis (CPU: Engines/BoxBlur.cs, Swap/FloatBoxBlur.cs), clamped at the
   region's edges so nothing outside the region is read. */
float4 PSBox(VertUV v_in) : TARGET
{
	float4 sum = float4(0.0, 0.0, 0.0, 0.0);
	for (float k = -step.z; k <= step.z; k += 1.0) {
		float2 uv = min(max(v_in.uv + k * step.xy, float2(0.0, 0.0)), extent.xy);
		sum += image.Sample(pointClamp, uv);
	}
	return sum / (2.0 * step.z + 1.0);
}

float to_linear(float c)
{
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

float to_gamma(float v)
{
	v = saturate(v);
	return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1.0 / 2.4) - 0.055;
}

float lab_f(float t)
{
	t = clamp(t, 0.0, 1.25);
	return t > 0.008856 ? pow(t, 1.0 / 3.0) : 7.787 * t + 16.0 / 116.0;
}

float lab_finv(float t)
{
	return t > 0.206893 ? t * t * t : (t - 16.0 / 116.0) / 7.787;
}

/* CPU: Swap/LabColorTransfer.cs, ToLab and ToRgb. */
float3 to_lab(float3 c)
{
	float lr = to_linear(c.r);
	float lg = to_linear(c.g);
	float lb = to_linear(c.b);
	float x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047;
	float y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
	float z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883;
	float fx = lab_f(x);
	float fy = lab_f(y);
	float fz = lab_f(z);
	return float3(116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz));
}

float3 to_rgb(float3 lab)
{
	float fy = (lab.x + 16.0) / 116.0;
	float fx = fy + lab.y / 500.0;
	float fz = fy - lab.z / 200.0;
	float x = lab_finv(fx) * 0.95047;
	float y = lab_finv(fy);
	float z = lab_finv(fz) * 1.08883;
	float lr = 3.2406 * x - 1.5372 * y - 0.4986 * z;
	float lg = -0.9689 * x + 1.8758 * y + 0.0415 * z;
	float lb = 0.0557 * x - 0.2040 * y + 1.0570 * z;
	return float3(to_gamma(lr), to_gamma(lg), to_gamma(lb));
}

/* Mesh swap, first pass (CPU: Engines/MorphEngine.cs Warp): the source face drawn as the target's
   landmark mesh, colour matched, coverage 1 in alpha. */
float4 PSMesh(VertUV v_in) : TARGET
{
	float3 rgb = image.Sample(linearClamp, v_in.uv).rgb;
	if (lab_scale.w > 0.5) {
		float3 lab = (to_lab(rgb) - src_mean.xyz) * lab_scale.xyz + dst_mean.xyz;
		rgb = to_rgb(lab);
	}
	return float4(rgb, 1.0);
}

/* Mesh swap, last pass: the blurred coverage keeps its inner half, so the edge fades to zero
   exactly at the mesh border (CPU: MorphEngine.Swap). */
float4 PSFeather(VertUV v_in) : TARGET
{
	float4 warped = image.Sample(pointClamp, v_in.uv);
	float blurred = mask.Sample(pointClamp, v_in.uv).a;
	float a = warped.a > 0.0 ? saturate(blurred * 2.0 - 1.0) : 0.0;
	return float4(warped.rgb, a);
}

float4 PSSolid(VertColor v_in) : TARGET
{
	return v_in.color;
}

technique Copy { pass { vertex_shader = VSUV(v_in); pixel_shader = PSCopy(v_in); } }
technique BlockMean { pass { vertex_shader = VSUV(v_in); pixel_shader = PSBlockMean(v_in); } }
technique BlockShow { pass { vertex_shader = VSUV(v_in); pixel_shader = PSBlockShow(v_in); } }
technique Box { pass { vertex_shader = VSUV(v_in); pixel_shader = PSBox(v_in); } }
technique Mesh { pass { vertex_shader = VSUV(v_in); pixel_shader = PSMesh(v_in); } }
technique Feather { pass { vertex_shader = VSUV(v_in); pixel_shader = PSFeather(v_in); } }
technique Solid { pass { vertex_shader = VSColor(v_in); pixel_shader = PSSolid(v_in); } }
""";
}
