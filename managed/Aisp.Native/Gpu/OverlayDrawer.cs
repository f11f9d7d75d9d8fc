using Aisp.Core.Detection;
using Aisp.Core.Engines;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The landmarks overlay on the GPU: the same box outline, keypoint and landmark squares as
/// <see cref="LandmarksOverlayEngine"/>, as solid quads clipped to the same face region.
/// </summary>
internal sealed unsafe class OverlayDrawer(GpuEffect fx)
{
    // Colours as libobs packs vertex colours: 0xAABBGGRR.
    private const uint Green = 0xFF00FF00, Red = 0xFF2828FF, Cyan = 0xFFFFE600;

    public void Draw(uint frameWidth, uint frameHeight, ReadOnlySpan<Face> faces)
    {
        BlendMode.PushReplaceColour();
        foreach (ref readonly Face face in faces)
        {
            FaceRegion region = FaceRegion.From(face.Box, LandmarksOverlayEngine.RegionPadding, (int)frameWidth, (int)frameHeight);
            if (!region.IsEmpty)
            {
                var quads = new Quads(face, region);
                fx.DrawImmediate("Solid"u8, ref quads, &Quads.Emit);
            }
        }

        BlendMode.Pop();
    }

    /// <summary>One face's overlay: at most 4 + 6 + 68 quads, 468 vertices, within libobs's immediate buffer.</summary>
    private readonly ref struct Quads(in Face face, FaceRegion region)
    {
        private readonly ref readonly Face _face = ref face;

        public static void Emit(ref Quads q)
        {
            ref readonly Face f = ref q._face;
            int l = (int)f.Box.Left, t = (int)f.Box.Top, r = (int)f.Box.Right, b = (int)f.Box.Bottom;
            gs_render_start(0);
            q.Rect(l, t, r, t, Green);
            q.Rect(l, b, r, b, Green);
            q.Rect(l, t, l, b, Green);
            q.Rect(r, t, r, b, Green);
            if (f.HasKeypoints)
            {
                for (int k = 0; k < FaceKeypoints.Count; k++)
                {
                    q.Dot(f.Keypoints[k], 2, Red);
                }
            }

            if (f.HasLandmarks)
            {
                for (int k = 0; k < FaceLandmarks.Count; k++)
                {
                    q.Dot(f.Landmarks[k], 1, Cyan);
                }
            }

            gs_render_stop(GS_TRIS);
        }

        private void Dot(PointF p, int radius, uint colour) =>
            Rect((int)p.X - radius, (int)p.Y - radius, (int)p.X + radius, (int)p.Y + radius, colour);

        /// <summary>The pixels (x0..x1, y0..y1) inclusive, clipped to the region, as two triangles.</summary>
        private void Rect(int x0, int y0, int x1, int y1, uint colour)
        {
            float l = Math.Max(x0, region.X), t = Math.Max(y0, region.Y);
            float r = Math.Min(x1 + 1, region.X + region.Width), b = Math.Min(y1 + 1, region.Y + region.Height);
            if (r <= l || b <= t)
            {
                return;
            }

            Vertex(l, t, colour);
            Vertex(r, t, colour);
            Vertex(l, b, colour);
            Vertex(r, t, colour);
            Vertex(r, b, colour);
            Vertex(l, b, colour);
        }

        private static void Vertex(float x, float y, uint colour)
        {
            gs_color(colour);
            gs_vertex2f(x, y);
        }
    }
}
