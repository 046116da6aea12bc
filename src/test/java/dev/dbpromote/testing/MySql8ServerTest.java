package dev.dbpromote.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Without a server: what a machine that cannot run mysqld is told. */
class MySql8ServerTest {

    @Test
    void aMissingSharedLibraryIsNamedWithThePackageToInstall() {
        String loader = "/w/target/mysql-8.0.15/bin/mysqld: error while loading shared libraries: libaio.so.1:"
                + " cannot open shared object file: No such file or directory\n";
        String msg = MySql8Server.unavailable("mysqld --initialize-insecure exited with 127", loader).getMessage();
        assertTrue(msg.contains("libaio.so.1: cannot open shared object file"), msg);
        assertTrue(msg.contains("apt-get install libaio1"), msg);
        String other = MySql8Server.unavailable("mysqld exited with 1 while starting", "[ERROR] [MY-010119] Aborting\n").getMessage();
        assertTrue(other.startsWith("mysqld exited with 1 while starting") && other.contains("Aborting"), other);
    }
}
