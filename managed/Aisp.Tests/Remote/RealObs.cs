using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aisp.Tests.Remote;

/// <summary>
/// Debian's real OBS (obs-studio, with obs-websocket) under xvfb, with a private configuration
/// folder, the plugin as the build laid it out, and the websocket server on a free loopback port
/// with a password. Started once for the tests that share it; killed with its whole process tree.
/// </summary>
public sealed class RealObs : IDisposable
{
    public const string Password = "aisp-remote-test";

    private readonly Process _obs;
    private readonly string _config = Directory.CreateTempSubdirectory("aisp-obs-").FullName;

    public RealObs()
    {
        Assert.True(File.Exists("/usr/bin/obs"), "/usr/bin/obs is missing: the test command installs obs-studio (apt)");
        Port = FreePort();
        string obsDir = Path.Combine(_config, "obs-studio");
        Directory.CreateDirectory(Path.Combine(obsDir, "plugins"));
        string plugin = Path.GetFullPath(Path.Combine(TestAssets.ModelsDir, "..", ".."));
        Directory.CreateSymbolicLink(Path.Combine(obsDir, "plugins", "aisp"), plugin);
        File.WriteAllText(Path.Combine(obsDir, "global.ini"), $"""
            [General]
            FirstRun=true
            [OBSWebSocket]
            FirstLoad=false
            ServerEnabled=true
            ServerPort={Port}
            AuthRequired=true
            ServerPassword={Password}
            AlertsEnabled=false
            [BasicWindow]
            SysTrayEnabled=false
            """);
        var info = new ProcessStartInfo("xvfb-run")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "-a", "obs", "--multi", "--minimize-to-tray", "--disable-shutdown-check", "--disable-updater" })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["XDG_CONFIG_HOME"] = _config;
        info.Environment["LIBGL_ALWAYS_SOFTWARE"] = "1";
        SetCpuLoad(10); // a calm machine, whatever this one is doing: plans and alerts read the replayed load
        info.Environment[Aisp.Core.Control.SystemLoad.LoadFileVariable] = _cpuLoadFile;
        info.Environment["AISP_REMOTE_READ"] = Path.GetDirectoryName(TestAssets.Astronaut); // remote requests may name files there only
        _obs = Process.Start(info) ?? throw new InvalidOperationException("obs did not start");
        _obs.OutputDataReceived += (_, e) => Log(e.Data);
        _obs.ErrorDataReceived += (_, e) => Log(e.Data);
        _obs.BeginOutputReadLine();
        _obs.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        while (!Listening(Port))
        {
            if (_obs.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"OBS exited ({_obs.ExitCode}):\n{LogText}");
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"OBS's websocket server did not start in 60 s:\n{LogText}");
            Thread.Sleep(200);
        }

        StartupSeconds = watch.Elapsed.TotalSeconds;
    }

    public int Port { get; }

    private string _cpuLoadFile => Path.Combine(_config, "cpu-load");

    /// <summary>The CPU load OBS's AISP reads from now on (percent): replayed, so a test does not depend on the machine's real load.</summary>
    public void SetCpuLoad(double percent)
    {
        string temp = _cpuLoadFile + ".new";
        File.WriteAllText(temp, percent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(temp, _cpuLoadFile, overwrite: true); // whole or not at all for a reader
    }

    public Uri Url => new($"ws://127.0.0.1:{Port}");

    /// <summary>A client identified with the right password.</summary>
    public async Task<Aisp.Server.Obs.ObsWebSocketClient> ConnectAsync(CancellationToken ct)
    {
        var client = await Aisp.Server.Obs.ObsWebSocketClient.ConnectAsync(Url, Password, ct);
        Assert.NotNull(await client.IdentifiedAsync(ct));
        return client;
    }

    public double StartupSeconds { get; }

    private readonly List<string> _log = [];

    /// <summary>What OBS printed so far (its log goes to stdout).</summary>
    public string LogText
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log.TakeLast(80));
            }
        }
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Add(line);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_obs.HasExited)
        {
            _obs.Kill(entireProcessTree: true);
            _obs.WaitForExit(10_000);
        }

        _obs.Dispose();
        Directory.Delete(_config, recursive: true);
    }
}
