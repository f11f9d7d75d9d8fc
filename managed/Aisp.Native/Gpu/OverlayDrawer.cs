using Aisp.Core.Detection;
using Aisp.Core.Engines;
using static Aisp.Native.Gpu.ObsGraphics;

namespace Aisp.Native.Gpu;

/// <summary>
/// The landmarks overlay on the GPU: the same box outline, keypoint and landmark squares and name
/// label cells as <see cref="LandmarksOverlayEngine"/>, as solid quads clipped to the same regions.
/// </summary>
internal sealed unsafe class OverlayDrawer(GpuEffect fx)
{
    // Colours as libobs packs vertex colours: 0xAABBGGRR.
    private const uint Green = 0xFF00FF00, Red = 0xFF2828FF, Cyan = 0xFFFFE600, Black = 0xFF000000, White = 0xFFFFFFFF;

    // libobs's immediate vertex buffer holds 512 vertices: a label's cells go in batches of 80 quads.
    private const int QuadsPerBatch = 80;

    public void Draw(uint frameWidth, uint frameHeight, ReadOnlySpan<Face> faces)
    {
        Span<char> text = stackalloc char[FaceLabel.MaxChars];
        BlendMode.PushReplaceColour();
        foreach (ref readonly Face face in faces)
        {
            FaceRegion region = FaceRegion.From(face.Box, LandmarksOverlayEngine.RegionPadding, (int)frameWidth, (int)frameHeight);
            if (!region.IsEmpty)
            {
                var quads = new Quads(face, region);
                fx.DrawImmediate("Solid"u8, ref quads, &Quads.Emit);
            }

            int chars = FaceLabel.Format(face, text);
            FaceLabel label = FaceLabel.Layout(face.Box, chars, (int)frameWidth, (int)frameHeight);
            if (label.Chars > 0)
            {
                var cells = new LabelQuads(label, text[..label.Chars]);
                fx.DrawImmediate("Solid"u8, ref cells, &LabelQuads.Emit);
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

        private void Rect(int x0, int y0, int x1, int y1, uint colour) => ClippedRect(region, x0, y0, x1, y1, colour);
    }

    /// <summary>A name label: its black box, then its lit font cells in white, in batches the immediate buffer holds.</summary>
    private readonly ref struct LabelQuads(FaceLabel label, ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;

        public static void Emit(ref LabelQuads q)
        {
            FaceLabel label = q.Label;
            FaceRegion region = label.Region;
            gs_render_start(0);
            ClippedRect(region, region.X, region.Y, region.X + region.Width - 1, region.Y + region.Height - 1, Black);
            int batch = 1;
            for (int i = 0; i < label.Chars; i++)
            {
                for (int row = 0; row < LabelFont.Rows; row++)
                {
                    for (int column = 0; column < LabelFont.Columns; column++)
                    {
                        if (!LabelFont.Lit(q._text[i], column, row))
                        {
                            continue;
                        }

                        if (batch == QuadsPerBatch)
                        {
                            gs_render_stop(GS_TRIS);
                            gs_render_start(0);
                            batch = 0;
                        }

                        (int x, int y) = label.CellAt(i, column, row);
                        ClippedRect(region, x, y, x + label.Cell - 1, y + label.Cell - 1, White);
                        batch++;
                    }
                }
            }

            gs_render_stop(GS_TRIS);
        }

        private FaceLabel Label { get; } = label;
    }

    /// <summary>The pixels (x0..x1, y0..y1) inclusive, clipped to the region, as two triangles.</summary>
    private static void ClippedRect(FaceRegion region, int x0, int y0, int x1, int y1, uint colour)
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
