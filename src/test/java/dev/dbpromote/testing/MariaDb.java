package dev.dbpromote.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class the embedded MariaDB: parameters of type {@link TestDatabase} get a fresh,
 * empty database of their own on the one server this JVM shares.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(MariaDbExtension.class)
public @interface MariaDb {
}
