using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Identities;

/// <summary>
/// Runs the recognition model off the analysis thread (live filters): one embedding takes tens of
/// milliseconds on a CPU, which would hold a frame's analysis back far past its budget. The analysis
/// thread aligns a face into a free slot (cheap) and goes on; this worker, at the lowest priority,
/// embeds and matches it, and the answer is collected by the analysis thread on a later frame. A
/// few slots, reused: nothing is allocated per face, and a busy worker simply gets fewer faces.
/// </summary>
public sealed class RecognitionWorker : IDisposable
{
    public const int Slots = 4;

    private const int Free = 0, Queued = 1, Done = 2;

    private readonly FaceRecognizer _recognizer;
    private readonly Slot[] _slots = new Slot[Slots];
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private readonly ILogger _log;
    private IReadOnlyList<KnownIdentity> _known = [];
    private volatile bool _stopping;

    public RecognitionWorker(FaceRecognizer recognizer, ILogger log)
    {
        _recognizer = recognizer;
        _log = log;
        for (int i = 0; i < Slots; i++)
        {
            _slots[i] = new Slot();
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "aisp-recognition", Priority = ThreadPriority.Lowest };
        _thread.Start();
    }

    /// <summary>Aligns <paramref name="face"/> of the frame into a free slot for the worker; false when every slot is busy (try on a later frame).</summary>
    public bool TrySubmit(in Frame frame, in Face face, int track, IReadOnlyList<KnownIdentity> known, float threshold)
    {
        foreach (Slot slot in _slots)
        {
            if (Volatile.Read(ref slot.State) != Free)
            {
                continue;
            }

            if (!_recognizer.Align(frame, face, slot.Tensor))
            {
                return false;
            }

            slot.Track = track;
            slot.Threshold = threshold;
            Volatile.Write(ref _known, known);
            Volatile.Write(ref slot.State, Queued);
            _wake.Set();
            return true;
        }

        return false;
    }

    /// <summary>Takes one finished answer, if any: which track and who it is.</summary>
    public bool TryTake(out int track, out Match match)
    {
        foreach (Slot slot in _slots)
        {
            if (Volatile.Read(ref slot.State) == Done)
            {
                track = slot.Track;
                match = slot.Answer;
                Volatile.Write(ref slot.State, Free);
                return true;
            }
        }

        (track, match) = (0, default);
        return false;
    }

    private void Run()
    {
        var embedding = new float[FaceRecognizer.Dimensions];
        while (!_stopping)
        {
            _wake.WaitOne();
            foreach (Slot slot in _slots)
            {
                if (_stopping || Volatile.Read(ref slot.State) != Queued)
                {
                    continue;
                }

                try
                {
                    slot.Answer = _recognizer.Embed(slot.Tensor, embedding)
                        ? Match.Best(embedding, Volatile.Read(ref _known), slot.Threshold)
                        : default;
                }
#pragma warning disable CA1031 // the worker must outlive a failing model run; the face stays unknown
                catch (Exception e)
                {
                    slot.Answer = default;
                    _log.LogError("Recognition failed: {Message}", e.Message);
                }
#pragma warning restore CA1031

                Volatile.Write(ref slot.State, Done);
            }
        }
    }

    /// <summary>Stops the worker (after the embedding in progress, if any) and releases the recogniser.</summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        if (_thread.Join(TimeSpan.FromSeconds(2)))
        {
            _recognizer.Dispose();
            _wake.Dispose();
        }
        else
        {
            _log.LogError("The recognition thread did not stop within 2 s; it is abandoned with its model");
        }
    }

    private sealed class Slot
    {
        public readonly float[] Tensor = new float[FaceRecognizer.TensorLength];
        public int State;
        public int Track;
        public float Threshold;
        public Match Answer;
    }
}
