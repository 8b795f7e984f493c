using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Api;

/// <summary>One line per mutating call, category <c>Mesh.Audit</c> (docs/api.md).</summary>
internal sealed class AuditLog(ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("Mesh.Audit");

    public void Record(string token, string org, string action, string target, string result) =>
        _logger.LogInformation("audit token={Token} org={Org} action={Action} target={Target} result={Result}",
            token, org, action, target, result);
}
