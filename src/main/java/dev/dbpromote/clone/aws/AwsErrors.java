package dev.dbpromote.clone.aws;

import dev.dbpromote.core.DbPromoteException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Turns AWS SDK failures into messages a person can act on, with the exit code they deserve. */
public final class AwsErrors {

    private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException", "UnrecognizedClientException",
            "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "AuthFailure", "UnauthorizedOperation");
    private static final Set<String> THROTTLED = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded",
            "TooManyRequestsException");

    private AwsErrors() {
    }

    /**
     * A Describe call for one resource: empty when AWS answers that it does not exist ({@code notFound}, e.g.
     * {@code DbInstanceNotFoundException}), otherwise as {@link #call}.
     */
    public static <T> Optional<T> find(String what, Class<? extends AwsServiceException> notFound, Supplier<Optional<T>> call) {
        try {
            return call(what, call);
        } catch (DbPromoteException e) {
            if (notFound.isInstance(e.getCause())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            throw translate(what, e);
        } catch (SdkClientException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            if (msg.contains("credentials")) {
                throw DbPromoteException.invalid("No AWS credentials for " + what + ": " + firstLine(msg) + " In Jenkins bind them"
                        + " with withAWS/withCredentials; in a shell set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.", e);
            }
            throw DbPromoteException.external("Could not reach AWS RDS for " + what + ": " + firstLine(msg)
                    + " Check the network, the region and any endpoint override.", e);
        }
    }

    /**
     * {@link #call} for a request carrying {@code secret} (a new master password): AWS may quote parameter values
     * in its error text, so the message is scrubbed and the AWS exception (whose message is that text) is not
     * attached as the cause, so not even {@code --stacktrace} prints it.
     */
    static <T> T callWithSecret(String what, dev.dbpromote.core.Secret secret, Supplier<T> call) {
        try {
            return call(what, call);
        } catch (DbPromoteException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            String clear = secret == null ? null : secret.reveal();
            if (clear != null && !clear.isEmpty()) {
                message = message.replace(clear, dev.dbpromote.core.Secret.MASK);
            }
            throw new DbPromoteException(e.kind(), message);
        }
    }

    static RuntimeException translate(String what, AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        if (code != null && DENIED.contains(code)) {
            return DbPromoteException.invalid("AWS denied " + what + " (" + code + ": " + message + "). Check the credentials"
                    + " bound to this job and that their IAM policy allows this RDS action.", e);
        }
        if (code != null && THROTTLED.contains(code)) {
            return DbPromoteException.external("AWS kept throttling " + what + " after " + AwsClientFactory.DEFAULT_MAX_ATTEMPTS
                    + " attempts with backoff (" + code + "). Retry later, or reduce concurrent pipelines.", e);
        }
        if (e.statusCode() >= 500) {
            return DbPromoteException.external("AWS RDS failed " + what + " (HTTP " + e.statusCode() + (code == null ? "" : ", " + code)
                    + ": " + message + ") after retries. Retry later; see the AWS Health Dashboard.", e);
        }
        return DbPromoteException.external("AWS RDS rejected " + what + " (" + code + ": " + message + ").", e);
    }

    public static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse(s);
    }
}
