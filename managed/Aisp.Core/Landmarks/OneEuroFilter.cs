namespace Aisp.Core.Landmarks;

/// <summary>
/// The One Euro filter (Casiez et al., CHI 2012): a low-pass filter whose cutoff rises with the
/// signal's speed, so a still face stops jittering while a moving one does not lag.
/// </summary>
public struct OneEuroFilter
{
    private float _value, _derivative;
    private bool _started;

    public float Filter(float x, float dt, float minCutoff, float beta, float derivativeCutoff = 1f)
    {
        if (!_started || dt <= 0)
        {
            _started = true;
            _value = x;
            _derivative = 0;
            return x;
        }

        float dx = (x - _value) / dt;
        _derivative += Alpha(derivativeCutoff, dt) * (dx - _derivative);
        float cutoff = minCutoff + (beta * MathF.Abs(_derivative));
        _value += Alpha(cutoff, dt) * (x - _value);
        return _value;
    }

    private static float Alpha(float cutoff, float dt)
    {
        float tau = 1f / (2 * MathF.PI * cutoff);
        return 1f / (1f + (tau / dt));
    }
}
