using Vigil.Functions.Alerts.Status;
using Vigil.Functions.FunctionApp.RecordHeartbeat;
using Vigil.Functions.FunctionApp.RunProbes;
using Vigil.Functions.FunctionApp.Status;
using Vigil.Functions.Probes.Execution;
using Vigil.Functions.Probes.Network;
using Vigil.Functions.Probes.Recording;
using Vigil.Functions.Probes.Status;

namespace Vigil.Functions.Probes;

/// <summary>Health probes, heartbeats and the status view (issue "Health probes and heartbeats").</summary>
public static class ProbesArea
{
    public static IServiceCollection AddProbesArea(this IServiceCollection services)
    {
        services.AddSingleton<IHostResolver, SystemHostResolver>();
        services.AddSingleton<GuardedConnector>();
        services.AddSingleton<IProbeExecutor, HttpProbeExecutor>();
        services.AddSingleton<IProbeExecutor, TcpProbeExecutor>();
        services.AddSingleton<IProbeExecutor, DnsProbeExecutor>();
        services.AddSingleton<IProbeExecutor, TlsProbeExecutor>();
        services.AddSingleton<ProbeRunner>();
        services.AddSingleton<ProbeTiming>();
        services.AddSingleton<ProbeStatusStore>();
        services.AddSingleton<ProbeRecorder>();
        services.AddSingleton<HeartbeatRecorder>();
        services.AddSingleton<ComponentObserver>();
        services.AddSingleton<StatusReporter>();
        services.AddSingleton<ProbeCycle>();
        services.AddSingleton<IComponentStatusSource, ProbeStatusSource>();
        services.AddFunction<RunProbesFunction>();
        services.AddFunction<StatusFunction>();
        services.AddFunction<RecordHeartbeatFunction>();
        return services;
    }
}
