namespace Aisp.Core.Pipeline;

/// <summary>
/// The "auto" compositor: which of the two costs the host's graphics thread less, measured rather
/// than assumed. On a hardware GPU drawing is a few draw calls; on a software renderer (llvmpipe)
/// every read of an off-screen texture waits for all queued rasterisation, and painting the face
/// regions in memory is cheaper. It tries the GPU compositor for <see cref="TrialFrames"/> frames,
/// then the CPU one as long, and keeps whichever had the lower median graphics-thread time per
/// frame; a new engine or new settings start a new trial. Both compositors give the same picture
/// (the headless OBS test holds them to it), so trying is invisible. A decision is tried again
/// after <see cref="RetryFrames"/> frames, since what else runs on the machine changes.
/// </summary>
public sealed class CompositorChooser
{
    public const int TrialFrames = 90;

    /// <summary>Frames a decision holds before both are tried again: five minutes at 30 fps.</summary>
    public const int RetryFrames = 9000;

    private readonly double[] _gpu = new double[TrialFrames];
    private readonly double[] _cpu = new double[TrialFrames];
    private int _gpuCount, _cpuCount, _sinceDecided;
    private bool? _decided;

    /// <summary>Whether the GPU compositor is to draw the next frame.</summary>
    public bool UseGpu => _decided ?? _gpuCount < TrialFrames;

    /// <summary>"gpu" or "cpu" once decided, "trying" before.</summary>
    public string State => _decided switch { true => "gpu", false => "cpu", null => "trying" };

    /// <summary>Starts over (another engine or other settings change what each compositor costs).</summary>
    public void Reset()
    {
        _gpuCount = _cpuCount = _sinceDecided = 0;
        _decided = null;
    }

    /// <summary>Records one frame's graphics-thread time under the compositor that drew it.</summary>
    public void Observe(bool gpu, double ms)
    {
        if (_decided is not null)
        {
            if (++_sinceDecided >= RetryFrames)
            {
                Reset();
            }

            return;
        }

        if (gpu && _gpuCount < TrialFrames)
        {
            _gpu[_gpuCount++] = ms;
        }
        else if (!gpu && _gpuCount == TrialFrames && _cpuCount < TrialFrames)
        {
            _cpu[_cpuCount++] = ms;
        }

        if (_cpuCount == TrialFrames)
        {
            _decided = Median(_gpu) <= Median(_cpu);
        }
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
