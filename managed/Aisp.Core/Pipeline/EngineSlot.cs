using Aisp.Core.Engines;

namespace Aisp.Core.Pipeline;

/// <summary>
/// The engine drawing frames and the one a settings update chose to take over. The switch happens
/// on the frame thread, once an analysis result serves the new engine (a swap needs landmarks that
/// a privacy result lacks, the inswapper its prepared crops): until then frames keep the old
/// engine, so no frame is half one engine and half the other, or left unfiltered by the switch.
/// An engine that fails closed takes over at once (it covers the frame whole until served).
/// </summary>
internal sealed class EngineSlot(IFrameEngine engine, bool analysisOnItsOwnThread) : IDisposable
{
    private IFrameEngine _current = engine; // only the frame thread replaces it
    private IFrameEngine? _next;           // chosen by an update, switched in once analysis serves it
    private IFrameEngine? _retired;        // replaced on the frame thread, disposed by the analysis thread

    /// <summary>The engine drawing frames.</summary>
    public IFrameEngine Current => Volatile.Read(ref _current);

    /// <summary>The engine about to take over, or null.</summary>
    public IFrameEngine? Next => Volatile.Read(ref _next);

    /// <summary>The newest choice: what the frame copies for analysis are made for.</summary>
    public IFrameEngine Newest => Next ?? Current;

    /// <summary>What analysis must provide: the needs of the engine drawing and of the one about to take over.</summary>
    public EngineNeeds Needs => Current.Needs | (Next?.Needs ?? EngineNeeds.None);

    /// <summary>
    /// The engine analysis prepares crops for: the one about to take over, if it needs crops; else
    /// the one drawing (a switch to privacy takes over at once, and until then the swap in use
    /// keeps its faces rather than showing the raw one).
    /// </summary>
    public IFrameEngine Preparing => Next is { } next && (next.Needs & EngineNeeds.Prepared) != 0 ? next : Current;

    /// <summary>Chooses the engine to take over; one chosen before but never switched in is disposed under <paramref name="analysisGate"/> (analysis may be preparing for it).</summary>
    public void Choose(IFrameEngine engine, Lock analysisGate)
    {
        IFrameEngine? replaced = Interlocked.Exchange(ref _next, engine);
        lock (analysisGate)
        {
            replaced?.Dispose();
        }
    }

    /// <summary>On the frame thread: switches to the chosen engine if <paramref name="result"/> serves it; true when it did.</summary>
    public bool SwitchWhenServed(AnalysisResult result)
    {
        IFrameEngine? next = Next;
        EngineNeeds analysed = next is null ? EngineNeeds.None : next.Needs & (EngineNeeds.Landmarks | EngineNeeds.Prepared);
        EngineNeeds provided = result.Provides;
        if ((analysed & EngineNeeds.Prepared) != 0 && !ReferenceEquals(result.PreparedFor, next))
        {
            provided &= ~EngineNeeds.Prepared; // crops of another engine (chosen before a quick switch away and back)
        }

        if (next is null || (!next.FailsClosed && (analysed & ~provided) != 0) || Interlocked.CompareExchange(ref _next, null, next) != next)
        {
            return false;
        }

        IFrameEngine old = _current;
        Volatile.Write(ref _current, next);
        if (analysisOnItsOwnThread)
        {
            Interlocked.Exchange(ref _retired, old)?.Dispose(); // the analysis thread disposes it, off the frame thread
        }
        else
        {
            old.Dispose();
        }

        return true;
    }

    /// <summary>On the analysis thread: disposes the engine the frame thread replaced.</summary>
    public void DisposeRetired() => Interlocked.Exchange(ref _retired, null)?.Dispose();

    /// <summary>The host stops calling the frame path before it destroys the instance.</summary>
    public void Dispose()
    {
        _current.Dispose();
        _next?.Dispose();
        _retired?.Dispose();
    }
}
