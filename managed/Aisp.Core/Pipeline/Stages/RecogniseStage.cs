using System.Diagnostics;
using System.Runtime.InteropServices;
using Aisp.Core.Detection;
using Aisp.Core.Identities;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>
/// Who each face is, when the settings use a face library. Recognition is cache-aside per track: a
/// track is embedded when it appears, again every <see cref="RecheckSeconds"/> or when its size
/// changes a lot, at most <see cref="MaxPerFrame"/> faces per analysed frame (the others keep their
/// cached answer or wait their turn), and an answer not used for <see cref="TimeToLiveSeconds"/> is
/// dropped. A library read again (someone enrolled) makes every cached answer stale. With sync
/// analysis the model runs here; with async analysis (the plugin) the face is only aligned here and
/// the <see cref="RecognitionWorker"/> embeds it on its own thread, so a 100 ms embedding never
/// holds a frame's analysis back.
/// </summary>
internal sealed class RecogniseStage(PipelineStats stats) : IAnalysisStage
{
    public const double RecheckSeconds = 3;
    public const double TimeToLiveSeconds = 300;
    public const int MaxPerFrame = 2;

    /// <summary>An answer the worker has not given after this long is asked for again.</summary>
    public const double PendingSeconds = 5;

    /// <summary>A face whose box grew or shrank by more than this share is looked at again.</summary>
    private const float SizeChange = 0.4f;

    private readonly Dictionary<int, Answer> _byTrack = new(AnalysisResult.MaxFaces * 2);
    private readonly float[] _embedding = new float[FaceRecognizer.Dimensions];
    private readonly List<int> _expired = new(AnalysisResult.MaxFaces);
    private int _version = -1;
    private AnalysisModels? _models; // the models the cached answers came from

    public void Run(AnalysisPass pass)
    {
        AnalysisModels? models = pass.Models;
        IdentitySet? identities = models?.Identities;
        if (identities is null || (models!.Recognizer is null && models.Recognition is null) || !pass.WantLandmarks)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        identities.RefreshIfChanged(pass.Frame.TimestampNs);
        if (identities.Version != _version || !ReferenceEquals(models, _models))
        {
            // New models (settings changed) or a library read again: answers, and answers on their way
            // from a worker that is gone, no longer hold.
            _version = identities.Version;
            _models = models;
            _byTrack.Clear(); // write-through: new enrolments count from the next frame
            if (identities.Problem is not null)
            {
                stats.RecordError(ErrorKind.Library, identities.Problem, frameFailed: false); // faces stay unknown; the filter goes on
            }
        }

        while (models.Recognition?.TryTake(out int track, out Match match) == true)
        {
            if (_byTrack.TryGetValue(track, out Answer pending))
            {
                _byTrack[track] = pending with { Name = match.Name, Score = match.Score, HasAnswer = true, Pending = false };
            }
        }

        int budget = MaxPerFrame;
        float threshold = pass.Settings.RecognitionThreshold;
        bool readable = identities.Problem is null;
        foreach (ref Face face in CollectionsMarshal.AsSpan(pass.Faces))
        {
            if (!readable || face.TrackId == 0)
            {
                // A rule that cannot be evaluated covers the face: a library that cannot be read says
                // nothing of who anyone is (for "only the listed" as for "all but the listed"), and a
                // face without a track has no answer of its own.
                face.Recognised = false;
                face.Identity = null;
                face.IdentityScore = 0;
                continue;
            }

            bool cached = _byTrack.TryGetValue(face.TrackId, out Answer answer);
            bool waiting = answer.Pending && Seconds(now - answer.CheckedTicks) < PendingSeconds;
            bool due = !cached || (!waiting && (Seconds(now - answer.CheckedTicks) > RecheckSeconds
                || MathF.Abs(face.Box.Width - answer.Width) > SizeChange * answer.Width));
            if (due && budget > 0)
            {
                if (models.Recognizer is { } inline && inline.Embed(pass.Frame, face, _embedding))
                {
                    // Sync analysis: the answer now, so a file run gives the same output every time.
                    Match match = Match.Best(_embedding, identities.Known, threshold);
                    answer = answer with { Name = match.Name, Score = match.Score, HasAnswer = true, CheckedTicks = now, Width = face.Box.Width };
                    budget--;
                }
                else if (models.Recognition?.TrySubmit(pass.Frame, face, face.TrackId, identities.Known, threshold) == true)
                {
                    // Async: the worker answers on a later frame; a previous answer stands meanwhile.
                    answer = answer with { Pending = true, CheckedTicks = now, Width = face.Box.Width };
                    budget--;
                }
            }

            answer.UsedTicks = now;
            _byTrack[face.TrackId] = answer;
            face.Recognised = answer.HasAnswer;
            face.Identity = answer.HasAnswer ? answer.Name : null;
            face.IdentityScore = answer.HasAnswer ? answer.Score : 0;
        }

        Expire(now);
    }

    private void Expire(long now)
    {
        _expired.Clear();
        foreach ((int track, Answer answer) in _byTrack)
        {
            if (Seconds(now - answer.UsedTicks) > TimeToLiveSeconds)
            {
                _expired.Add(track);
            }
        }

        foreach (int track in _expired)
        {
            _byTrack.Remove(track);
        }
    }

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    /// <summary>What is known of one track: who (once answered), when it was last looked at and at what size, whether an answer is on its way.</summary>
    private record struct Answer(string? Name, float Score, bool HasAnswer, bool Pending, long CheckedTicks, float Width, long UsedTicks);
}
