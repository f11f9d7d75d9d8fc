using System.Diagnostics;

namespace Aisp.Server.Jobs;

/// <summary>
/// How the server starts a worker ("aisp process" for a job, "aisp faces add" for an enrolment):
/// <see cref="ServerOptions.JobCommand"/> with the arguments, under a memory cap where the system
/// offers one (util-linux's prlimit, RLIMIT_DATA), so a file that decodes to gigabytes fails its
/// own job, never the machine or the jobs beside it.
/// </summary>
public static class WorkerCommand
{
    private const string Prlimit = "/usr/bin/prlimit";

    public static ProcessStartInfo For(ServerOptions options, IEnumerable<string> args)
    {
        List<string> command = [.. options.JobCommand, .. args];
        if (options.WorkerMemoryBytes > 0 && OperatingSystem.IsLinux() && File.Exists(Prlimit))
        {
            command.InsertRange(0, [Prlimit, $"--data={options.WorkerMemoryBytes}", "--"]);
        }

        var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        command.Skip(1).ToList().ForEach(info.ArgumentList.Add);
        return info;
    }
}
