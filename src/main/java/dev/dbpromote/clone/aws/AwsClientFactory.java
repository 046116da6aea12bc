package dev.dbpromote.clone.aws;

import dev.dbpromote.core.DbPromoteException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.RdsClientBuilder;

/**
 * The one place AWS clients are built (like Iceberg's {@code AwsClientFactory}): region from config or
 * {@code AWS_REGION}, credentials from the step's environment (Jenkins' AWS credentials binding sets
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}) or else the SDK's default chain, the SDK's
 * standard retry strategy (exponential backoff with jitter, throttling-aware) with more attempts, and an
 * endpoint override for tests and private endpoints.
 */
public final class AwsClientFactory {

    /** Attempts per call: enough to ride out about a minute of throttling with the standard backoff. */
    static final int DEFAULT_MAX_ATTEMPTS = 10;

    private AwsClientFactory() {
    }

    /**
     * @param region from config, or null for {@code AWS_REGION}
     * @param endpoint from config, or null for {@code DBPROMOTE_RDS_ENDPOINT} or AWS's own
     */
    public static RdsClient rds(String region, String endpoint, Function<String, String> environment) {
        String r = region != null ? region : environment.apply("AWS_REGION");
        if (r == null || r.isBlank()) {
            r = environment.apply("AWS_DEFAULT_REGION");
        }
        if (r == null || r.isBlank()) {
            throw DbPromoteException.invalid("No AWS region: set 'region' under source.rds/source.aurora in dbpromote.yaml,"
                    + " or AWS_REGION in the job's environment.");
        }
        int attempts = DEFAULT_MAX_ATTEMPTS;
        String configured = environment.apply("DBPROMOTE_AWS_MAX_ATTEMPTS");
        if (configured != null && configured.matches("[1-9][0-9]?")) {
            attempts = Integer.parseInt(configured);
        }
        int maxAttempts = attempts;
        RdsClientBuilder builder = RdsClient.builder()
                .region(Region.of(r))
                .credentialsProvider(credentials(environment))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build())
                        .apiCallAttemptTimeout(Duration.ofSeconds(30))
                        .apiCallTimeout(Duration.ofMinutes(5)));
        String e = endpoint != null ? endpoint : environment.apply("DBPROMOTE_RDS_ENDPOINT");
        if (e != null && !e.isBlank()) {
            builder.endpointOverride(URI.create(e));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(Function<String, String> environment) {
        String id = environment.apply("AWS_ACCESS_KEY_ID");
        String secret = environment.apply("AWS_SECRET_ACCESS_KEY");
        if (id != null && secret != null) {
            String token = environment.apply("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token == null
                    ? AwsBasicCredentials.create(id, secret)
                    : software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(id, secret, token));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
