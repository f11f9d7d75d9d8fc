namespace Aisp.Core.Control;

/// <summary>
/// Whole-machine CPU and memory use from /proc (Linux): CPU as the busy share of all cores since
/// the previous reading, memory as the share not available (MemAvailable). NaN where /proc cannot
/// be read (another OS); GPU load is not visible through any API this build links, so it is NaN.
/// QA can replay a load instead of the machine's own: <see cref="LoadFileVariable"/> names a file
/// holding the CPU percentage to report, read at every sample (so a test raises and clears the
/// CPU alert, or plans for a busy machine, whatever else the machine is doing).
/// </summary>
public sealed class SystemLoad
{
    public const string LoadFileVariable = "AISP_CPU_LOAD_FILE";

    private readonly string? _loadFile = Environment.GetEnvironmentVariable(LoadFileVariable) is { Length: > 0 } f ? f : null;
    private long _lastBusy = -1, _lastTotal = -1;

    public double CpuPercent()
    {
        if (_loadFile is not null)
        {
            return ReplayedPercent(_loadFile);
        }

        try
        {
            string? line = File.ReadLines("/proc/stat").FirstOrDefault();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return double.NaN;
            }

            long[] v = line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
            long idle = v[3] + (v.Length > 4 ? v[4] : 0), total = v.Sum(), busy = total - idle;
            double percent = _lastTotal < 0 || total == _lastTotal ? double.NaN : 100.0 * (busy - _lastBusy) / (total - _lastTotal);
            (_lastBusy, _lastTotal) = (busy, total);
            return percent;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    private static double ReplayedPercent(string file)
    {
        try
        {
            string text = System.Text.Encoding.ASCII.GetString(IO.UserFile.ReadAll(file, "the replayed CPU load", 64, ErrorKind.InvalidArgument));
            return double.TryParse(text.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double p) && p is >= 0 and <= 100 ? p : double.NaN;
        }
        catch (AispException)
        {
            return double.NaN; // being rewritten, or gone: no reading this time
        }
    }

    public static double MemoryPercent()
    {
        try
        {
            long total = 0, available = -1;
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    total = Kb(line);
                }
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    available = Kb(line);
                }
            }

            return total <= 0 || available < 0 ? double.NaN : 100.0 * (total - available) / total;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    private static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
