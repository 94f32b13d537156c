namespace Vigil.Functions.Configuration;

public static partial class AppSettings
{
    public static readonly AppSetting ProbesSchedule = new(
        "VIGIL_PROBES_SCHEDULE", "*/10 * * * * *", "Six-field NCRONTAB schedule of the RunProbes timer: each tick runs the probes that are due (a probe runs at most once per tick).");

    public static readonly AppSetting ProbeConcurrency = new(
        "VIGIL_PROBE_CONCURRENCY", "200", "How many probes one RunProbes tick runs at the same time (each waits on the network, so this bounds sockets, not CPU).");

    public static readonly AppSetting ProbePrivateTargets = new(
        "VIGIL_PROBE_PRIVATE_TARGETS", "allow", "allow (default) or deny: whether probes may reach loopback and private addresses without allowPrivate: true. Link-local and cloud metadata addresses always need allowLinkLocal: true.");
}
