package dev.dbpromote.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NamesTest {

    private static final Pattern RDS = Pattern.compile("[a-z](?:[a-z0-9]|-(?!-)){0,62}");
    private static final Pattern SCHEMA = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private static void assertValid(Names n) {
        assertTrue(RDS.matcher(n.rdsIdentifier()).matches(), n.rdsIdentifier());
        assertTrue(n.rdsIdentifier().length() <= 63 && !n.rdsIdentifier().endsWith("-"), n.rdsIdentifier());
        assertTrue(SCHEMA.matcher(n.schema()).matches(), n.schema());
        assertTrue(n.user().length() <= 32 && SCHEMA.matcher(n.user()).matches(), n.user());
    }

    @Test
    void prNamesAreReadable() {
        Names n = Names.of("orders", "dev", "42");
        assertEquals("orders-dev-pr-42", n.rdsIdentifier());
        assertEquals("orders_dev_pr_42", n.schema());
        assertEquals("orders_dev_pr_42", n.user());
        assertEquals(n, Names.of("orders", "dev", "42"), "stable for the same PR");
    }

    @Test
    void weirdBranchNamesBecomeValidNames() {
        Names n = Names.of("orders", "dev", "feature/ÄÖ--weird__Name");
        assertValid(n);
        assertEquals("orders-dev-pr-feature-ao-weird-name", n.rdsIdentifier());
        assertEquals("orders_dev_pr_feature_ao_weird_name", n.schema());
    }

    @Test
    void longNamesAreCutWithAHashThatKeepsThemApart() {
        String longBranch = "x".repeat(200);
        Names a = Names.of("orders", "dev", longBranch);
        Names b = Names.of("orders", "dev", longBranch + "y");
        assertValid(a);
        assertValid(b);
        assertEquals(63, a.rdsIdentifier().length());
        assertEquals(64, a.schema().length());
        assertNotEquals(a.rdsIdentifier(), b.rdsIdentifier());
        assertNotEquals(a.user(), b.user());
        assertEquals(a, Names.of("orders", "dev", longBranch));
    }

    @Test
    void leadingDigitsAndEmptyInputsStillStartWithALetter() {
        assertValid(Names.of("9lives", "dev", "123"));
        assertTrue(Names.of("9lives", "dev", "123").rdsIdentifier().startsWith("db-9lives"));
        assertValid(Names.of("---", "ÄÄ", "//"));
        assertValid(Names.of("1", "2", "3".repeat(200)));
    }

    @Test
    void mysqlUserNamesFitMysqlsLimit() {
        String user = Names.mysqlUser("a".repeat(64));
        assertTrue(user.length() <= 32, user);
        assertNotEquals(user, Names.mysqlUser("a".repeat(63) + "b"));
    }
}
