package dev.dbpromote.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real MySQL 8 server ({@link MySql8Server}): parameters of type {@link TestDatabase}
 * get a fresh, empty database of their own on the one server this JVM shares. Where mysqld cannot run
 * (e.g. no {@code libaio.so.1}), the tests are skipped with the reason and the fix.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(MySql8Extension.class)
public @interface MySql8 {
}
