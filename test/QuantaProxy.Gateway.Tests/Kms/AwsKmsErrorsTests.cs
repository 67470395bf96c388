using System.Net;
using System.Net.Sockets;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using QuantaProxy.Gateway.Kms;

namespace QuantaProxy.Gateway.Tests.Kms;

/// <summary>
/// The classification of AWS SDK failures for cases moto cannot produce (throttling, KMS 5xx, access denied):
/// an outage must never look like a bad ciphertext, and a refusal must never look like an outage.
/// </summary>
[TestFixture]
public sealed class AwsKmsErrorsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private static Exception? Translate(Exception error, bool isUnwrap = true) =>
        AwsKmsErrors.Translate(error, "Decrypt", "alias/test", isUnwrap, Timeout);

    private static AmazonKeyManagementServiceException ServiceError(string code, HttpStatusCode status) =>
        new($"{code} from KMS", ErrorType.Sender, code, "request-1", status);

    private static IEnumerable<TestCaseData> Outages()
    {
        yield return new TestCaseData(ServiceError("ThrottlingException", HttpStatusCode.BadRequest)).SetName("Throttling_is_an_outage");
        yield return new TestCaseData(ServiceError("ServiceUnavailable", HttpStatusCode.ServiceUnavailable)).SetName("Http_503_is_an_outage");
        yield return new TestCaseData(ServiceError("SomethingNew", HttpStatusCode.InternalServerError)).SetName("Any_5xx_is_an_outage");
        yield return new TestCaseData(ServiceError("SlowDown", HttpStatusCode.TooManyRequests)).SetName("Http_429_is_an_outage");
        yield return new TestCaseData(new KMSInternalException("internal", ErrorType.Receiver, "KMSInternalException", "r", HttpStatusCode.InternalServerError)).SetName("KMSInternalException_is_an_outage");
        yield return new TestCaseData(new KeyUnavailableException("unavailable", ErrorType.Receiver, "KeyUnavailableException", "r", HttpStatusCode.InternalServerError)).SetName("KeyUnavailableException_is_an_outage");
        yield return new TestCaseData(new DependencyTimeoutException("timeout", ErrorType.Receiver, "DependencyTimeoutException", "r", HttpStatusCode.ServiceUnavailable)).SetName("DependencyTimeoutException_is_an_outage");
        yield return new TestCaseData(ServiceError("ExpiredTokenException", HttpStatusCode.BadRequest)).SetName("Expired_credentials_are_an_outage");
        yield return new TestCaseData(new AmazonKeyManagementServiceException("no answer", new HttpRequestException("reset"))).SetName("Service_error_without_an_answer_is_an_outage");
        yield return new TestCaseData(new AmazonClientException("Failed to resolve AWS credentials")).SetName("Missing_credentials_are_an_outage");
        yield return new TestCaseData(new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused))).SetName("Connection_refused_is_an_outage");
        yield return new TestCaseData(new IOException("Connection reset")).SetName("Connection_reset_is_an_outage");
        yield return new TestCaseData(new TaskCanceledException("The request timed out")).SetName("A_timeout_is_an_outage");
    }

    [TestCaseSource(nameof(Outages))]
    public void Transient_failures_are_kms_unavailable(Exception error)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Translate(error, isUnwrap: true), Is.InstanceOf<KmsUnavailableException>().With.InnerException.SameAs(error));
            Assert.That(Translate(error, isUnwrap: false), Is.InstanceOf<KmsUnavailableException>());
        });
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        yield return new TestCaseData(new InvalidCiphertextException("bad", ErrorType.Sender, "InvalidCiphertextException", "r", HttpStatusCode.BadRequest)).SetName("InvalidCiphertext_is_a_refusal");
        yield return new TestCaseData(new IncorrectKeyException("other key", ErrorType.Sender, "IncorrectKeyException", "r", HttpStatusCode.BadRequest)).SetName("IncorrectKey_is_a_refusal");
        yield return new TestCaseData(ServiceError("AccessDeniedException", HttpStatusCode.BadRequest)).SetName("AccessDenied_is_a_refusal");
        yield return new TestCaseData(new NotFoundException("gone", ErrorType.Sender, "NotFoundException", "r", HttpStatusCode.BadRequest)).SetName("NotFound_is_a_refusal");
        yield return new TestCaseData(new DisabledException("disabled", ErrorType.Sender, "DisabledException", "r", HttpStatusCode.BadRequest)).SetName("Disabled_is_a_refusal");
        yield return new TestCaseData(new KMSInvalidStateException("pending deletion", ErrorType.Sender, "KMSInvalidStateException", "r", HttpStatusCode.BadRequest)).SetName("PendingDeletion_is_a_refusal");
        // Constructed without a status code (0): still KMS's verdict on the ciphertext, never an outage.
        yield return new TestCaseData(new InvalidCiphertextException("bad")).SetName("InvalidCiphertext_without_status_is_a_refusal");
    }

    [TestCaseSource(nameof(Refusals))]
    public void Refusals_fail_closed(Exception error)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Translate(error, isUnwrap: true), Is.InstanceOf<KeyUnwrapException>().With.InnerException.SameAs(error));
            Assert.That(Translate(error, isUnwrap: false), Is.InstanceOf<KeyWrapException>());
        });
    }

    [Test]
    public void Unrelated_exceptions_are_not_translated()
    {
        Assert.That(Translate(new InvalidOperationException("a bug")), Is.Null);
    }

    [Test]
    public void Messages_name_the_operation_key_and_error_code()
    {
        var message = Translate(ServiceError("AccessDeniedException", HttpStatusCode.BadRequest))!.Message;

        Assert.That(message, Does.Contain("alias/test").And.Contain("AccessDeniedException").And.Contain("HTTP 400"));
    }
}
