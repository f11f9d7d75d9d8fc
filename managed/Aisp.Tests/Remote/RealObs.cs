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
