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
uniform texture2d mask_image; // background "replace": the layer on the analysis grid, whose alpha mixes 'image' in
uniform float4 region;      // x, y, width, height in frame pixels
uniform float4 frame_size;  // width, height, 1/width, 1/height of 'image'
uniform float4 grid;        // pixelate: block size, blocks across, blocks down
uniform float4 step;        // box blur: one texel along the blur (u, v), radius, unused
uniform float4 extent;      // box blur: last valid texel centre (u, v) of the region in its texture
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

/* Mesh swap (CPU: Engines/CropPaster.cs): the face's crop, drawn by analysis, premultiplied by its
   alpha with colour in 0..255; the blend state puts it over the frame. */
float4 PSCrop(VertUV v_in) : TARGET
{
	float4 c = image.Sample(linearClamp, v_in.uv);
	return float4(c.rgb / 255.0, c.a);
}

/* Background "replace" (CPU: Background/BackgroundPainter.cs): the picture, premultiplied by the
   alpha of the layer on the analysis grid, sampled bilinearly as the CPU upsamples it. */
float4 PSMasked(VertUV v_in) : TARGET
{
	float a = mask_image.Sample(linearClamp, v_in.uv).a;
	return float4(image.Sample(pointClamp, v_in.uv).rgb * a, a);
}

float4 PSSolid(VertColor v_in) : TARGET
{
	return v_in.color;
}

technique Copy { pass { vertex_shader = VSUV(v_in); pixel_shader = PSCopy(v_in); } }
technique BlockMean { pass { vertex_shader = VSUV(v_in); pixel_shader = PSBlockMean(v_in); } }
technique BlockShow { pass { vertex_shader = VSUV(v_in); pixel_shader = PSBlockShow(v_in); } }
technique Box { pass { vertex_shader = VSUV(v_in); pixel_shader = PSBox(v_in); } }
technique Crop { pass { vertex_shader = VSUV(v_in); pixel_shader = PSCrop(v_in); } }
technique Masked { pass { vertex_shader = VSUV(v_in); pixel_shader = PSMasked(v_in); } }
technique Solid { pass { vertex_shader = VSColor(v_in); pixel_shader = PSSolid(v_in); } }
""";
}
