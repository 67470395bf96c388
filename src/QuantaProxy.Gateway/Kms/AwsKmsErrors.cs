using System.Net;
using System.Net.Sockets;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// Sorts AWS SDK failures into "try again later" (<see cref="KmsUnavailableException"/>) and "this key, ciphertext
/// or context is refused" (<see cref="KeyUnwrapException"/> / <see cref="KeyWrapException"/>). Anything that is not
/// clearly a refusal of the request itself counts as unavailable, so an outage never looks like a bad ciphertext.
/// </summary>
internal static class AwsKmsErrors
{
    // Error codes that mean "the service is busy or broken right now", whatever their HTTP status.
    private static readonly HashSet<string> TransientErrorCodes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
        "LimitExceededException", "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable", "InternalFailure",
        "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
        // Credentials that are expired or not yet propagated are fixed by refreshing them, not by changing the request.
        "ExpiredTokenException", "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
        "RequestExpired", "InvalidClientTokenId",
    };

    /// <summary>Returns the exception to throw instead of <paramref name="error"/>, or null when it is not an SDK or network failure.</summary>
    public static Exception? Translate(Exception error, string operation, string keyId, bool isUnwrap, TimeSpan callTimeout)
    {
        switch (error)
        {
            case AmazonServiceException service when IsTransient(service):
                return new KmsUnavailableException($"AWS KMS {operation} for key '{keyId}' failed with {Describe(service)}; the key service is unavailable.", error);
            case AmazonServiceException service:
                return isUnwrap
                    ? new KeyUnwrapException($"AWS KMS refused to decrypt the wrapped key for '{keyId}': {Describe(service)} (wrong key, wrong encryption context, damaged ciphertext or access denied).", error)
                    : new KeyWrapException($"AWS KMS refused to encrypt under key '{keyId}': {Describe(service)} (the key is missing, disabled, not a symmetric encryption key, or access is denied).", error);
            case AmazonClientException:
                return new KmsUnavailableException($"AWS KMS {operation} for key '{keyId}' could not be sent ({error.GetType().Name}: {error.Message}).", error);
            case HttpRequestException or IOException or SocketException:
                return new KmsUnavailableException($"AWS KMS {operation} for key '{keyId}' failed: the key service could not be reached ({error.GetType().Name}).", error);
            case OperationCanceledException:
                return new KmsUnavailableException($"AWS KMS {operation} for key '{keyId}' did not complete within {callTimeout.TotalSeconds:0.###} s (QuantaProxy:Kms:CallTimeout).", error);
            default:
                return null;
        }
    }

    private static bool IsTransient(AmazonServiceException error)
    {
        // KMS's own verdicts on the key, ciphertext or context: permanent whatever the transport says.
        if (error is InvalidCiphertextException or IncorrectKeyException or InvalidKeyUsageException or NotFoundException
            or DisabledException or KMSInvalidStateException or InvalidGrantTokenException)
            return false;
        if (error is KMSInternalException or DependencyTimeoutException or KeyUnavailableException or LimitExceededException)
            return true;
        if (error.InnerException is HttpRequestException or IOException or SocketException or OperationCanceledException)
            return true;
        if (string.IsNullOrEmpty(error.ErrorCode))
            return true; // no error code: the answer did not come from KMS (a proxy, a load balancer, a broken connection)
        if (TransientErrorCodes.Contains(error.ErrorCode) || error.Retryable is not null)
            return true;
        var status = (int)error.StatusCode;
        return status == (int)HttpStatusCode.TooManyRequests || status >= 500;
    }

    private static string Describe(AmazonServiceException error) =>
        $"{(string.IsNullOrEmpty(error.ErrorCode) ? error.GetType().Name : error.ErrorCode)} (HTTP {(int)error.StatusCode})";
}
