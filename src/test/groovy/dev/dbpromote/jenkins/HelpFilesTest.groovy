package dev.dbpromote.jenkins

import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

/** Every step has a help file (Pipeline Syntax page) and it documents every argument the step accepts. */
class HelpFilesTest extends LibraryTestBase {

    @Test
    void everyArgumentIsDocumented() {
        List<String> steps = ['rdsClone', 'dbMigrate', 'k8sDeploy', 'dataValidate', 'dbSnapshot', 'dbEnvDestroy', 'dbPromotionReaper', 'dbPromotion']
        new File(ROOT, 'vars').listFiles().findAll { it.name.endsWith('.groovy') }.each {
            assertTrue(new File(ROOT, 'vars/' + it.name.replace('.groovy', '.txt')).isFile(), "help file for ${it.name}")
        }
        steps.each { String step ->
            Throwable thrown = runPipelineExpectingFailure("${step}(noSuchArgument: 1)")
            String valid = (thrown.message =~ /Valid arguments: ([^.]+)\./)[0][1]
            String help = new File(ROOT, "vars/${step}.txt").text
            valid.split(', ').each { String argument ->
                assertTrue(help.contains("<code>${argument}</code>"), "${step}.txt documents ${argument}")
            }
        }
    }
}
