package dev.dbpromote.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The script text the steps hand to `sh`, run by a real /bin/sh with the environment the step gave it
 * and a stand-in engine that records its arguments: values arrive as single arguments, never as code.
 */
class ShellScriptTest extends LibraryTestBase {

    @TempDir
    Path workspace

    @Test
    void argumentsArriveIntactAndHostileValuesStayData() {
        String image = 'registry/orders:1"; touch pwned; echo "$(touch pwned2)`touch pwned3`'
        runPipeline("k8sDeploy(env: 'dev', pr: '42', image: '${image.replace('\\', '\\\\').replace("'", "\\'")}', dryRun: true)")
        Map call = shCalls[0]

        Path engine = workspace.resolve('fake-dbpromote')
        engine.text = '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > args.txt\necho \'{"success": true}\'\nexit 3\n'
        engine.toFile().setExecutable(true)
        Map<String, String> env = new HashMap<>(System.getenv())
        env.putAll(call.env as Map)
        env.DBPROMOTE_BIN = engine.toString()
        ProcessBuilder pb = new ProcessBuilder('/bin/sh', '-c', call.script as String).directory(workspace.toFile())
        pb.environment().clear()
        pb.environment().putAll(env)
        Process p = pb.redirectErrorStream(true).start()
        String output = p.inputStream.text
        int exit = p.waitFor()

        assertEquals(3, exit, "the engine's exit code is the script's: ${output}")
        assertEquals(['deploy', '--config', 'dbpromote.yaml', '--env', 'dev', '--pr', '42', '--image', image, '--dry-run', '--output', 'json'],
                workspace.resolve('args.txt').readLines())
        assertEquals('{"success": true}', workspace.resolve('.dbpromote/jenkins/deploy-dev-pr-42.json').text.trim(), 'stdout captured for the step')
        ['pwned', 'pwned2', 'pwned3'].each { assertFalse(Files.exists(workspace.resolve(it)), "the image value ran as code: ${it}") }
    }

    @Test
    void aMissingEngineIsExit127() {
        runPipeline("dbSnapshot(env: 'production')")
        Map<String, String> env = new HashMap<>(shCalls[0].env as Map)
        env.DBPROMOTE_BIN = workspace.resolve('no-such-dbpromote').toString()
        env.PATH = System.getenv('PATH')
        ProcessBuilder pb = new ProcessBuilder('/bin/sh', '-c', shCalls[0].script as String).directory(workspace.toFile())
        pb.environment().clear()
        pb.environment().putAll(env)
        Process p = pb.redirectErrorStream(true).start()
        p.inputStream.text
        assertEquals(127, p.waitFor(), 'what the step maps to the install instructions')
        assertTrue(Files.isDirectory(workspace.resolve('.dbpromote/jenkins')))
    }
}
