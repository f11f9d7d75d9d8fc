using Aisp.Core.Detection;

namespace Aisp.Core.Engines;

/// <summary>Which faces an engine that paints faces (<see cref="EngineNeeds.RealFaces"/>: AR, swaps) may paint: those the 468-point mesh sees as faces.</summary>
public static class PaintedFaces
{
    /// <summary>
    /// The mesh's presence a face needs. On the devset, frontal faces score 0.65-1 (most 1.0, 8 px
    /// ones too) and a head turned 54 degrees 0.47, while animals, a clock and hands score
    /// 0.001-0.06; many profiles score below it too and are left as they are (privacy still covers
    /// them). Four times the clock's score, and under any turned face seen.
    /// </summary>
    public const float PaintPresence = 0.2f;

    /// <summary>Whether the face may be painted: the mesh saw a face there (or no mesh ran to say otherwise: the 68-point landmarks).</summary>
    public static bool Paintable(in Face face) => !face.HasPresence || face.Presence >= PaintPresence;
}
