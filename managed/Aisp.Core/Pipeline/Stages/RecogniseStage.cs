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
/// dropped. A library read again (someone enrolled) makes every cached answer stale.
/// </summary>
internal sealed class RecogniseStage(PipelineStats stats) : IAnalysisStage
{
    public const double RecheckSeconds = 3;
    public const double TimeToLiveSeconds = 300;
    public const int MaxPerFrame = 2;

    /// <summary>A face whose box grew or shrank by more than this share is looked at again.</summary>
    private const float SizeChange = 0.4f;

    private readonly Dictionary<int, Answer> _byTrack = new(AnalysisResult.MaxFaces * 2);
    private readonly float[] _embedding = new float[FaceRecognizer.Dimensions];
    private readonly List<int> _expired = new(AnalysisResult.MaxFaces);
    private int _version = -1;

    public void Run(AnalysisPass pass)
    {
        FaceRecognizer? recognizer = pass.Models?.Recognizer;
        IdentitySet? identities = pass.Models?.Identities;
        if (recognizer is null || identities is null || !pass.WantLandmarks)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        identities.RefreshIfChanged(now);
        if (identities.Version != _version)
        {
            _version = identities.Version;
            _byTrack.Clear(); // write-through: new enrolments count from the next frame
            if (identities.Problem is not null)
            {
                stats.RecordError(ErrorKind.Library, identities.Problem, frameFailed: false); // faces stay unknown; the filter goes on
            }
        }

        int budget = MaxPerFrame;
        foreach (ref Face face in CollectionsMarshal.AsSpan(pass.Faces))
        {
            bool cached = _byTrack.TryGetValue(face.TrackId, out Answer answer);
            bool due = !cached || Seconds(now - answer.RecognisedTicks) > RecheckSeconds
                || MathF.Abs(face.Box.Width - answer.Width) > SizeChange * answer.Width;
            if (due && budget > 0 && recognizer.Embed(pass.Frame, face, _embedding))
            {
                budget--;
                Match match = Match.Best(_embedding, identities.Known, pass.Settings.RecognitionThreshold);
                answer = new Answer(match.Name, match.Score, now, face.Box.Width, now);
                cached = true;
            }

            if (cached)
            {
                answer.UsedTicks = now;
                _byTrack[face.TrackId] = answer;
                face.Identity = answer.Name;
                face.IdentityScore = answer.Score;
                face.Recognised = true;
            }
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

    private record struct Answer(string? Name, float Score, long RecognisedTicks, float Width, long UsedTicks);
}
