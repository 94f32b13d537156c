namespace Vigil.Domain.Configuration;

/// <summary>A named object of a configuration (a rule, a probe, a receiver, the route) in canonical JSON form.</summary>
public sealed record ConfigObject(string Kind, string Name, string Canonical);
