using Vigil.Functions;
using Vigil.Functions.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddCustomHandlerHosting();
builder.Services.AddVigil(builder.Configuration);

var app = builder.Build();
app.MapInvocationEndpoints();
app.Run();

/// <summary>The handler's entry point (public for WebApplicationFactory in tests).</summary>
public partial class Program;
