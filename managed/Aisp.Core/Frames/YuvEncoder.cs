namespace Aisp.Core.Frames;

/// <summary>RGB to Y'CbCr for a frame's matrix and range: the inverse of <see cref="RgbSampler"/>'s decode.</summary>
public readonly struct YuvEncoder
{
    private readonly float _kr, _kg, _kb, _yScale, _yOffset, _cScale;

    public YuvEncoder(ColorMatrix matrix, ColorRange range)
    {
        (_kr, _kb) = matrix == ColorMatrix.Bt601 ? (0.299f, 0.114f) : (0.2126f, 0.0722f);
        _kg = 1 - _kr - _kb;
        bool full = range == ColorRange.Full;
        _yScale = full ? 1f : 219f / 255f;
        _yOffset = full ? 0f : 16f;
        _cScale = full ? 1f : 224f / 255f;
    }

    public float Luma(float r, float g, float b) => (((_kr * r) + (_kg * g) + (_kb * b)) * _yScale) + _yOffset;

    public (float U, float V) Chroma(float r, float g, float b)
    {
        float y = (_kr * r) + (_kg * g) + (_kb * b);
        return (128 + ((b - y) / (2 * (1 - _kb)) * _cScale), 128 + ((r - y) / (2 * (1 - _kr)) * _cScale));
    }
}
