package dev.dbpromote.clone.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

class AwsErrorsTest {

    @Test
    void findIsEmptyOnlyForTheNotFoundItIsGiven() {
        DbInstanceNotFoundException missing = DbInstanceNotFoundException.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("DBInstanceNotFound").errorMessage("DBInstance orders-prod not found.").build())
                .build();
        assertEquals(Optional.empty(), AwsErrors.find("DescribeDBInstances orders-prod", DbInstanceNotFoundException.class, () -> {
            throw missing;
        }));
        assertEquals(Optional.of("x"), AwsErrors.find("DescribeDBInstances x", DbInstanceNotFoundException.class, () -> Optional.of("x")));
        // Another resource's "not found" is an answer about something else: it is reported, not read as absence.
        DbPromoteException e = assertThrows(DbPromoteException.class,
                () -> AwsErrors.find("DescribeDBClusters orders-prod", DbClusterNotFoundException.class, () -> {
                    throw missing;
                }));
        assertTrue(e.getMessage().contains("DescribeDBClusters orders-prod"), e.getMessage());
    }
}
