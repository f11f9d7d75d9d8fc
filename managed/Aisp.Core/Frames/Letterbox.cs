namespace Aisp.Core.Frames;

/// <summary>
/// How a frame of any shape sits inside a model's fixed input: scaled to fit, centred, padded.
/// Maps model-input coordinates back to frame pixels.
/// </summary>
public readonly struct Letterbox
{
    public Letterbox(int frameWidth, int frameHeight, int inputWidth, int inputHeight)
    {
        Scale = Math.Min((float)inputWidth / frameWidth, (float)inputHeight / frameHeight);
        PadX = (inputWidth - (frameWidth * Scale)) / 2f;
        PadY = (inputHeight - (frameHeight * Scale)) / 2f;
        InputWidth = inputWidth;
        InputHeight = inputHeight;
    }

    /// <summary>Model-input pixels per frame pixel.</summary>
    public float Scale { get; }
    public float PadX { get; }
    public float PadY { get; }
    public int InputWidth { get; }
    public int InputHeight { get; }

    /// <summary>Frame x of a model-input x given as a fraction of the input width.</summary>
    public float ToFrameX(float normalisedX) => ((normalisedX * InputWidth) - PadX) / Scale;

    public float ToFrameY(float normalisedY) => ((normalisedY * InputHeight) - PadY) / Scale;

    /// <summary>The input columns [X0, X1) and rows [Y0, Y1) whose centres a frame of this size covers; the rest is padding.</summary>
    public (int X0, int X1, int Y0, int Y1) Covered(int frameWidth, int frameHeight) => (
        Math.Max(0, (int)MathF.Ceiling(PadX - 0.001f)), Math.Min(InputWidth, (int)MathF.Floor(PadX + (frameWidth * Scale) + 0.001f)),
        Math.Max(0, (int)MathF.Ceiling(PadY - 0.001f)), Math.Min(InputHeight, (int)MathF.Floor(PadY + (frameHeight * Scale) + 0.001f)));
}
