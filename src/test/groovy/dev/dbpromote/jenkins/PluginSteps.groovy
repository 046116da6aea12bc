package dev.dbpromote.jenkins

/** The dbpromote plugin's steps as a var sees them through `steps` when the plugin is installed: calls recorded. */
class PluginSteps implements Serializable {
    List<List> calls = []

    Object methodMissing(String name, Object args) {
        calls << [name, ((Object[]) args)[0]]
        return [success: true, step: name]
    }
}
