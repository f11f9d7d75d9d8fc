using Aisp.Core.Detection;

namespace Aisp.Core.Engines;

/// <summary>
/// Where the landmarks overlay writes a face's name and score: a box of <see cref="LabelFont"/>
/// text, white on black, just under the face box (moved inside the frame when it would leave it).
/// The CPU engine and the GPU drawer both light the cells this layout gives, so their pictures match.
/// </summary>
public readonly struct FaceLabel
{
    /// <summary>Longest label in characters (a longer name is cut).</summary>
    public const int MaxChars = 32;

    public const string Unknown = "unknown";

    private FaceLabel(int x, int y, int cell, int chars)
    {
        (X, Y, Cell, Chars) = (x, y, cell, chars);
    }

    /// <summary>Left edge of the label box, frame pixels.</summary>
    public int X { get; }

    public int Y { get; }

    /// <summary>Size of one font pixel in frame pixels (grows with the face so the label stays readable).</summary>
    public int Cell { get; }

    public int Chars { get; }

    public int Width => ((Chars * LabelFont.Advance) + 1) * Cell;

    public int Height => (LabelFont.Rows + 2) * Cell;

    public FaceRegion Region => new(X, Y, Width, Height);

    /// <summary>
    /// Writes the face's label into <paramref name="into"/> (at least <see cref="MaxChars"/> long):
    /// "name 0.87" for a face the library named, "unknown 0.21"-style for one it looked at and did
    /// not; returns 0 when recognition has not looked at the face (no label).
    /// </summary>
    public static int Format(in Face face, Span<char> into)
    {
        if (!face.Recognised)
        {
            return 0;
        }

        ReadOnlySpan<char> name = face.Identity ?? Unknown;
        const int ScoreChars = 5; // " 0.87"
        int n = Math.Min(name.Length, MaxChars - ScoreChars);
        name[..n].CopyTo(into);
        into[n++] = ' ';
        float score = Math.Clamp(face.IdentityScore, -1f, 1f);
        if (!score.TryFormat(into[n..MaxChars], out int written, "0.00", System.Globalization.CultureInfo.InvariantCulture))
        {
            return n - 1;
        }

        return n + written;
    }

    /// <summary>The label box for <paramref name="chars"/> characters under <paramref name="box"/>, inside a frame of the given size (fewer characters, or none, where the frame is too small).</summary>
    public static FaceLabel Layout(BoxF box, int chars, int frameWidth, int frameHeight)
    {
        int cell = Math.Clamp((int)MathF.Round(box.Width / 56f, MidpointRounding.AwayFromZero), 1, 6);
        chars = Math.Clamp(chars, 0, ((frameWidth / cell) - 1) / LabelFont.Advance); // cut to the frame's width
        var label = new FaceLabel(0, 0, cell, frameHeight >= (LabelFont.Rows + 2) * cell ? chars : 0);
        int x = Math.Clamp((int)box.Left, 0, Math.Max(0, frameWidth - label.Width));
        int y = Math.Clamp((int)box.Bottom + (2 * cell), 0, Math.Max(0, frameHeight - label.Height));
        return new FaceLabel(x, y, cell, chars);
    }

    /// <summary>Top-left frame pixel of font pixel (<paramref name="column"/>, <paramref name="row"/>) of character <paramref name="index"/>.</summary>
    public (int X, int Y) CellAt(int index, int column, int row) =>
        (X + (((index * LabelFont.Advance) + 1 + column) * Cell), Y + ((row + 1) * Cell));
}
