using Aisp.Core.Detection;
using Aisp.Core.Pipeline;

namespace Aisp.Core.Source;

/// <summary>A run of faces that share one source face: a swap engine is called once per run.</summary>
public readonly record struct SourceGroup(SourceFace? Source, int Start, int Count);

/// <summary>
/// Puts one frame's faces in runs by the source face each is swapped to (<see cref="SourceBook"/>),
/// in place and in their order otherwise, and drops the faces that are left alone, so that the
/// engines keep their one-source interface and per-identity mappings cost nothing when unused.
/// Fixed arrays: no allocation per frame.
/// </summary>
public sealed class SourceGroups
{
    private readonly SourceFace?[] _sources = new SourceFace?[AnalysisResult.MaxFaces];
    private readonly bool[] _swapped = new bool[AnalysisResult.MaxFaces];
    private readonly bool[] _placed = new bool[AnalysisResult.MaxFaces];
    private readonly Face[] _scratch = new Face[AnalysisResult.MaxFaces];
    private readonly SourceGroup[] _groups = new SourceGroup[AnalysisResult.MaxFaces];
    private int _count;

    public ReadOnlySpan<SourceGroup> Groups => _groups.AsSpan(0, _count);

    /// <summary>Arranges <paramref name="faces"/> and returns how many of them are swapped (they come first, run by run).</summary>
    public int Arrange(Span<Face> faces, SourceBook book, bool unmappedGetDefault)
    {
        int n = Math.Min(faces.Length, AnalysisResult.MaxFaces);
        for (int i = 0; i < n; i++)
        {
            _sources[i] = book.For(faces[i], unmappedGetDefault, out _swapped[i]);
            _placed[i] = false;
        }

        _count = 0;
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            if (_placed[i] || !_swapped[i])
            {
                continue;
            }

            int start = kept;
            for (int j = i; j < n; j++)
            {
                if (!_placed[j] && _swapped[j] && ReferenceEquals(_sources[j], _sources[i]))
                {
                    _scratch[kept++] = faces[j];
                    _placed[j] = true;
                }
            }

            _groups[_count++] = new SourceGroup(_sources[i], start, kept - start);
        }

        _scratch.AsSpan(0, kept).CopyTo(faces);
        Array.Clear(_sources); // hold no source picture past its book
        if (_count == 0 && unmappedGetDefault)
        {
            _groups[_count++] = new SourceGroup(book.Default, 0, 0); // no face: the engine still says whether a source is missing
        }

        return kept;
    }
}
