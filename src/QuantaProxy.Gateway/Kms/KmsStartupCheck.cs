using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// Builds the <see cref="IKeyWrapper"/> while the host starts, so a bad local master key file (wrong mode or size)
/// stops the gateway at start-up rather than at its first request, and reports whether KMS answers. An unreachable
/// KMS does not stop the start: <c>/readyz</c> reports it and the gateway recovers when KMS returns.
/// </summary>
internal sealed class KmsStartupCheck(IKeyWrapper keyWrapper, ILogger<KmsStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await keyWrapper.CheckReachableAsync(cancellationToken).ConfigureAwait(false))
            logger.LogInformation("KMS provider {Provider} is reachable.", keyWrapper.Provider);
        else
            logger.LogWarning("KMS provider {Provider} is not reachable at start-up; calls that need a key not yet in memory will answer 503 kms_unavailable until it is.", keyWrapper.Provider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
