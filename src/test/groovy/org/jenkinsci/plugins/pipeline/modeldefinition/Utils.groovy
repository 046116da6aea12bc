package org.jenkinsci.plugins.pipeline.modeldefinition

/**
 * Test stand-in for Pipeline: Declarative's Utils, which dbPromotion finds by reflection to draw a
 * stage as skipped. Records the stage names; tests clear it.
 */
class Utils {
    static final List<String> skipped = Collections.synchronizedList([])

    static void markStageSkippedForConditional(String stageName) {
        skipped << stageName
    }
}
