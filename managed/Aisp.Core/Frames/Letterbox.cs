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
}
